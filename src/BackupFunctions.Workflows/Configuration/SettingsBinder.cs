using System.Reflection;
using BackupFunctions.Targets;
using Microsoft.Extensions.Configuration;

namespace BackupFunctions.Workflows.Configuration;

/// <summary>
/// Binds settings without stopping at the first value of the wrong type. The configuration binder throws on the first
/// one it meets and leaves the rest unbound, so a section that fails is bound again one property at a time (and the
/// targets one by one): every failure becomes one line naming the setting, and the good values still count, so a
/// person sees all the real problems at once instead of a stack trace.
/// </summary>
public static class SettingsBinder
{
    /// <summary>Binds <paramref name="section"/> into a new <typeparamref name="T"/>; each conversion failure is added to <paramref name="problems"/>.</summary>
    public static T Bind<T>(IConfigurationSection section, ICollection<string> problems)
        where T : new()
    {
        var value = new T();
        try
        {
            section.Bind(value);
        }
        catch (InvalidOperationException)
        {
            value = new T();
            BindEachProperty(value, section, problems);
        }

        return value;
    }

    /// <summary>The product's settings ("BackupFunctions"), one property section at a time, the targets one by one.</summary>
    public static BackupFunctionsOptions BindProduct(IConfiguration configuration, ICollection<string> problems)
    {
        var root = configuration.GetSection(BackupFunctionsOptions.SectionName);
        var options = new BackupFunctionsOptions();
        BindEachProperty(options, root, problems, skip: nameof(BackupFunctionsOptions.Targets));
        options.Targets = [.. root.GetSection(nameof(BackupFunctionsOptions.Targets)).GetChildren().Select(t => Bind<TargetOptions>(t, problems))];
        return options;
    }

    private static void BindEachProperty(object target, IConfigurationSection section, ICollection<string> problems, string? skip = null)
    {
        foreach (var property in target.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.Name != skip))
        {
            var child = section.GetSection(property.Name);
            if (!child.Exists())
            {
                continue;
            }

            try
            {
                if (child.Get(property.PropertyType) is { } value)
                {
                    property.SetValue(target, value);
                }
            }
            catch (InvalidOperationException e)
            {
                problems.Add(Describe(e));
            }
        }
    }

    // The binder's own sentence names the setting's path, the value and the type wanted; its inner exception adds why.
    private static string Describe(InvalidOperationException e) =>
        e.InnerException is { } inner && inner is not InvalidOperationException ? $"{e.Message} ({inner.Message})" : e.Message;
}
