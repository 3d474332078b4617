using System.Reflection;
using BackupFunctions.Targets;
using BackupFunctions.Workflows.Alerts;
using Microsoft.Extensions.Configuration;

namespace BackupFunctions.Workflows.Configuration;

/// <summary>
/// Binds settings without stopping at the first value of the wrong type. The configuration binder throws on the first
/// one it meets and leaves the rest unbound, so a section that fails is bound again one property at a time (and the
/// targets one by one): every failure becomes one line naming the setting, and the good values still count, so a
/// person sees all the real problems at once instead of a stack trace.
/// </summary>
/// <remarks>
/// The product's settings are bound by code the configuration binding generator writes at build time (each call below
/// names its type), not by reflection, which cost every backupctl command ~0.015 CPU s more before its first real work
/// (docs/benchmarks.md, issue 17, "backupctl's start-up"). Only the slow path after a failure, and the host's own small
/// sections (<see cref="Bind{T}"/>), still use reflection.
/// </remarks>
public static class SettingsBinder
{
    /// <summary>Each top-level section of <see cref="BackupFunctionsOptions"/> but the targets, in declaration order (the order problems are listed in).</summary>
    private static readonly (string Name, Action<BackupFunctionsOptions, IConfigurationSection> Bind)[] ProductSections =
    [
        (nameof(BackupFunctionsOptions.Source), (o, s) => o.Source = s.Get<SourceOptions>() ?? o.Source),
        (nameof(BackupFunctionsOptions.Keys), (o, s) => o.Keys = s.Get<KeyOptions>() ?? o.Keys),
        (nameof(BackupFunctionsOptions.Compression), (o, s) => o.Compression = s.Get<CompressionOptions>() ?? o.Compression),
        (nameof(BackupFunctionsOptions.StagingDirectory), (o, s) => o.StagingDirectory = s.Get<string>() ?? o.StagingDirectory),
        (nameof(BackupFunctionsOptions.Control), (o, s) => o.Control = s.Get<ControlOptions>() ?? o.Control),
        (nameof(BackupFunctionsOptions.Scratch), (o, s) => o.Scratch = s.Get<ScratchOptions>() ?? o.Scratch),
        (nameof(BackupFunctionsOptions.Tenants), (o, s) => o.Tenants = s.Get<TenantOptions>() ?? o.Tenants),
        (nameof(BackupFunctionsOptions.Files), (o, s) => o.Files = s.Get<FilesOptions>() ?? o.Files),
        (nameof(BackupFunctionsOptions.Retention), (o, s) => o.Retention = s.Get<RetentionOptions>() ?? o.Retention),
        (nameof(BackupFunctionsOptions.Integrity), (o, s) => o.Integrity = s.Get<IntegrityOptions>() ?? o.Integrity),
        (nameof(BackupFunctionsOptions.Retries), (o, s) => o.Retries = s.Get<WorkflowRetryOptions>() ?? o.Retries),
        (nameof(BackupFunctionsOptions.DisasterRecovery), (o, s) => o.DisasterRecovery = s.Get<DisasterRecoveryOptions>() ?? o.DisasterRecovery),
        (nameof(BackupFunctionsOptions.Restore), (o, s) => o.Restore = s.Get<RestoreSettings>() ?? o.Restore),
        (nameof(BackupFunctionsOptions.Dump), (o, s) => o.Dump = s.Get<DumpSettings>() ?? o.Dump),
        (nameof(BackupFunctionsOptions.Activities), (o, s) => o.Activities = s.Get<ActivityOptions>() ?? o.Activities),
        (nameof(BackupFunctionsOptions.Pitr), (o, s) => o.Pitr = s.Get<PitrOptions>() ?? o.Pitr),
        (nameof(BackupFunctionsOptions.Alerts), (o, s) => o.Alerts = s.Get<AlertOptions>() ?? o.Alerts),
        (nameof(BackupFunctionsOptions.Admission), (o, s) => o.Admission = s.Get<Admission.AdmissionOptions>() ?? o.Admission),
    ];

    // The reflection binder, for types known only at run time (the host's sections, the slow path's properties). Taken as
    // delegates: the generator replaces every binder call it can see, and reports (SYSLIB1104) those it cannot.
    private static readonly Action<IConfiguration, object?> ReflectionBind = ConfigurationBinder.Bind;
    private static readonly Func<IConfiguration, Type, object?> ReflectionGet = ConfigurationBinder.Get;

    /// <summary>The sections <see cref="BindProduct"/> binds (the targets included), for the test that none is forgotten.</summary>
    internal static IEnumerable<string> ProductSectionNames => ProductSections.Select(s => s.Name).Append(nameof(BackupFunctionsOptions.Targets));

    /// <summary>Binds <paramref name="section"/> into a new <typeparamref name="T"/>; each conversion failure is added to <paramref name="problems"/>.</summary>
    public static T Bind<T>(IConfigurationSection section, ICollection<string> problems)
        where T : new()
    {
        var value = new T();
        try
        {
            ReflectionBind(section, value);
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
        foreach (var (name, bind) in ProductSections)
        {
            var child = root.GetSection(name);
            if (!child.Exists())
            {
                continue;
            }

            try
            {
                bind(options, child);
            }
            catch (InvalidOperationException e)
            {
                problems.Add(Describe(e));
            }
        }

        options.Targets = [.. root.GetSection(nameof(BackupFunctionsOptions.Targets)).GetChildren().Select(t => BindTarget(t, problems))];
        return options;
    }

    private static TargetOptions BindTarget(IConfigurationSection section, ICollection<string> problems)
    {
        var value = new TargetOptions();
        try
        {
            section.Bind(value);
        }
        catch (InvalidOperationException)
        {
            value = new TargetOptions();
            BindEachProperty(value, section, problems);
        }

        return value;
    }

    // The slow path, after a section failed to bind: property by property, by reflection, to name every bad value.
    private static void BindEachProperty(object target, IConfigurationSection section, ICollection<string> problems)
    {
        foreach (var property in target.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var child = section.GetSection(property.Name);
            if (!child.Exists())
            {
                continue;
            }

            try
            {
                if (ReflectionGet(child, property.PropertyType) is { } value)
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
