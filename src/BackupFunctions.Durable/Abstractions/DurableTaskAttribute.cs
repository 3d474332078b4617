namespace BackupFunctions.Durable;

/// <summary>Gives an orchestrator or activity class a name other than its type name.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class DurableTaskAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
