namespace BackupFunctions.Host.Hosting;

/// <summary>How the HTTP host itself runs. Bound from "BackupFunctions:Host".</summary>
public sealed class BackupHostOptions
{
    public const string SectionName = "BackupFunctions:Host";

    /// <summary>Where Kestrel listens (semicolon-separated).</summary>
    public string Urls { get; set; } = "http://127.0.0.1:7071";

    /// <summary>Lets the host start with no function or admin key configured; every route is then open. For local use only.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>Runs the timer schedules in this process. Any number of hosts may run them: each due time starts once.</summary>
    public bool RunTimers { get; set; } = true;

    /// <summary>
    /// Registers the product's orchestrations, activities and catalog. False runs only what the embedding program
    /// registers (tests use this to run the host around small test orchestrations).
    /// </summary>
    public bool RegisterProductWorkflows { get; set; } = true;

    /// <summary>
    /// The externally visible base URL (e.g. https://myapp.azurewebsites.net) for the status URLs the host hands out,
    /// when requests reach it through a proxy that rewrites the Host header. Empty: the request's own scheme and host.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>How long a shutdown waits for in-flight work to hand back its leases.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long /healthz/ready reuses its last answer before it checks the control database again: the route is
    /// anonymous, so requests must not each open a connection.
    /// </summary>
    public TimeSpan ReadinessCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Once the host has been idle for <see cref="IdleMemoryCheckInterval"/> after compressing or uploading, it compacts the
    /// managed heap and gives freed native memory back (Memory/IdleMemoryRelease), so the next backup starts from
    /// the idle footprint instead of what the last one left behind. Costs one full garbage collection per backup.
    /// </summary>
    public bool ReleaseMemoryWhenIdle { get; set; } = true;

    /// <summary>
    /// How often the host looks whether it has gone idle after work (<see cref="ReleaseMemoryWhenIdle"/>). Short: a backup's
    /// last upload (its manifest) ends a second or two before the next backup can start, and a look costs four reads.
    /// </summary>
    public TimeSpan IdleMemoryCheckInterval { get; set; } = TimeSpan.FromSeconds(1);
}
