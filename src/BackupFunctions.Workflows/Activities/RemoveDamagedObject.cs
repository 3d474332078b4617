namespace BackupFunctions.Workflows.Activities;

/// <param name="Target">The target holding the damaged object.</param>
/// <param name="ObjectKey">The damaged artifact or manifest.</param>
/// <param name="ConfirmedSource">The other target whose copy was just read back intact; it must still hold the object.</param>
/// <param name="ExpectedBytes">The good object's size, when known (the artifact's stored bytes); 0 skips the size check.</param>
public sealed record RemoveDamagedObjectRequest(string Target, string ObjectKey, string ConfirmedSource, long ExpectedBytes);

/// <summary>
/// Deletes a damaged object so the repair's put (which never replaces) can store the good bytes. Called only after a
/// good copy on another target was confirmed by a full read; it checks once more that the source is another target and
/// still holds the object at the right size, so the last copy of a backup is never the one deleted.
/// </summary>
public sealed class RemoveDamagedObject(BackupEnvironment env, ActivityLimits limits) : BoundedActivity<RemoveDamagedObjectRequest, bool>(limits)
{
    protected override Task<bool> RunAsync(ActivityRun context, RemoveDamagedObjectRequest input) =>
        ActivityFailures.RunAsync(async () =>
        {
            var ct = context.CancellationToken;
            if (string.Equals(input.Target, input.ConfirmedSource, StringComparison.OrdinalIgnoreCase))
            {
                throw new NonRetryableTaskException($"Refusing to delete {input.ObjectKey} in '{input.Target}': the confirmed good copy must be on another target.");
            }

            var target = env.FindTarget(input.Target) ?? throw new NonRetryableTaskException($"Target '{input.Target}' is not configured on this host.");
            var source = env.FindTarget(input.ConfirmedSource) ?? throw new NonRetryableTaskException($"Source target '{input.ConfirmedSource}' is not configured on this host.");
            var good = await source.StatAsync(input.ObjectKey, ct);
            if (good is null || (input.ExpectedBytes > 0 && good.Size != input.ExpectedBytes))
            {
                throw new NonRetryableTaskException(
                    $"Refusing to delete {input.ObjectKey} in '{input.Target}': the good copy in '{input.ConfirmedSource}' is {(good is null ? "gone" : $"{good.Size} bytes, not {input.ExpectedBytes}")} now.");
            }

            await target.DeleteAsync(input.ObjectKey, ct);
            return true;
        });
}
