using System.Runtime.CompilerServices;
using BackupFunctions.Targets;

namespace BackupFunctions.Workflows.Tests.Retention;

/// <summary>
/// A real target with two injectable behaviours retention must survive: a delete that fails (a crash or outage
/// between the artifact and the manifest), and an object lock as S3 Object Lock or an Azure immutability policy
/// reports it (the local S3 and Azure servers implement neither), with the store's refusal to delete a locked object.
/// </summary>
internal sealed class DeleteFaultTarget(IBackupTarget inner) : IBackupTarget
{
    public string Name => inner.Name;

    /// <summary>Returns the failure for a key whose delete should fail, else null.</summary>
    public Func<string, Exception?>? FailDelete { get; set; }

    /// <summary>Keys the store locks, with the lock's end.</summary>
    public Dictionary<string, DateTimeOffset> Locks { get; } = new(StringComparer.Ordinal);

    public List<string> Deletes { get; } = [];

    public Task<TargetObjectInfo> PutAsync(string key, Stream content, PutOptions? options = null, CancellationToken ct = default) => inner.PutAsync(key, content, options, ct);

    public Task<Stream> OpenReadAsync(string key, ByteRange? range = null, CancellationToken ct = default) => inner.OpenReadAsync(key, range, ct);

    public async Task<TargetObjectInfo?> StatAsync(string key, CancellationToken ct = default)
    {
        var info = await inner.StatAsync(key, ct);
        return info is not null && Locks.TryGetValue(key, out var until) ? info with { RetainUntil = until } : info;
    }

    public async IAsyncEnumerable<TargetObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var o in inner.ListAsync(prefix, ct)) yield return o;
    }

    public Task DeleteAsync(string key, CancellationToken ct = default)
    {
        if (Locks.TryGetValue(key, out var until) && until > DateTimeOffset.UtcNow)
            throw new TargetException(Name, $"'{key}' is locked until {until:u}: access denied", isTransient: false);
        if (FailDelete?.Invoke(key) is { } failure) throw failure;
        Deletes.Add(key);
        return inner.DeleteAsync(key, ct);
    }
}
