namespace BackupFunctions.Host.Api;

/// <summary>
/// A limit a start endpoint applies once the request is valid and its instance id is minted: <see cref="Admit"/> answers
/// null to go ahead or the reason it refuses (429 with Retry-After); <see cref="Release"/> gives the slot back when
/// scheduling the orchestration then failed.
/// </summary>
internal sealed record StartAdmission<T>(
    Func<T, string, CancellationToken, Task<string?>> Admit,
    Func<string, CancellationToken, Task> Release,
    TimeSpan RetryAfter);
