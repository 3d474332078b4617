using System.Buffers;
using Polly;

namespace BackupFunctions.Targets.Upload;

/// <summary>
/// Streams one object into a store without ever holding it whole: the source is cut into equal parts
/// read into buffers of the process-wide <see cref="PartBudget"/>, at most <see cref="UploadSettings.Parallelism"/> parts are in flight, and
/// the upload is committed only after every part succeeded. On any failure the staged parts are
/// aborted and nothing is visible under the key, so an old good object there stays untouched.
/// Content that fits in one part goes up as a single request.
/// </summary>
internal static class PartitionedUploader
{
    /// <param name="budget">Where the part buffers come from; <see cref="PartBudget.Shared"/> unless a test gives its own.</param>
    public static async Task<TargetObjectInfo> UploadAsync(
        string targetName, string key, Stream content, long? expectedLength, UploadSettings settings, IPartSink sink, CancellationToken ct,
        PartBudget? budget = null)
    {
        ActiveUploads.Uploads.Add(1);
        try
        {
            return await UploadCountedAsync(targetName, key, content, expectedLength, settings, sink, budget ?? PartBudget.Shared, ct);
        }
        finally
        {
            ActiveUploads.Uploads.Add(-1);
        }
    }

    private static async Task<TargetObjectInfo> UploadCountedAsync(
        string targetName, string key, Stream content, long? expectedLength, UploadSettings settings, IPartSink sink, PartBudget parts, CancellationToken ct)
    {
        var lengthHint = expectedLength ?? (content.CanSeek ? Math.Max(0, content.Length - content.Position) : null);
        var partSize = PartSizing.Choose(settings.PartSize, lengthHint, settings.MaxParts);
        var partRetry = TransientRetry.Create(new RetryOptions
        {
            MaxAttempts = settings.PartAttempts,
            BaseDelay = TimeSpan.FromMilliseconds(200),
            MaxDelay = TimeSpan.FromSeconds(5),
        });

        var first = await parts.RentAsync(partSize, ct);
        int firstLength;
        var multipart = false;
        try
        {
            firstLength = await content.ReadAtLeastAsync(first.AsMemory(0, partSize), partSize, throwOnEndOfStream: false, ct);
            if (firstLength < partSize)
            {
                var data = first.AsMemory(0, firstLength);
                return await partRetry.ExecuteAsync(async t => await sink.PutSingleAsync(data, t), ct);
            }
            multipart = true;
        }
        finally
        {
            // From here on the multipart path owns the first buffer.
            if (!multipart) parts.Return(first);
        }

        // The first part was full: this is a multipart upload. From here on every exit path either
        // commits or aborts.
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var slots = new SemaphoreSlim(settings.Parallelism);
        var inFlight = new List<Task>();
        var partNumber = 0;
        long total = 0;
        var began = false;
        byte[]? buffer = first;
        var length = firstLength;
        try
        {
            await sink.BeginAsync(ct);
            began = true;
            while (true)
            {
                partNumber++;
                total += length;
                if (partNumber > settings.MaxParts)
                    throw new TargetException(targetName,
                        $"Upload of '{key}' to target '{targetName}' needs more than {settings.MaxParts} parts of {partSize} bytes. " +
                        "Pass PutOptions.ExpectedLength (an upper estimate is fine) or raise the target's PartSize.",
                        isTransient: false);

                await slots.WaitAsync(failed.Token);
                inFlight.Add(StageAsync(partNumber, buffer, length));
                buffer = null; // owned by the task now
                inFlight.RemoveAll(t => t.IsCompletedSuccessfully);
                if (inFlight.FirstOrDefault(t => t.IsFaulted || t.IsCanceled) is { } bad) await bad;
                if (length < partSize) break; // that was the short last part

                buffer = await parts.RentAsync(partSize, failed.Token);
                length = await content.ReadAtLeastAsync(buffer.AsMemory(0, partSize), partSize, throwOnEndOfStream: false, failed.Token);
                if (length == 0) break;
            }
            await Task.WhenAll(inFlight);
            return await sink.CommitAsync(partNumber, total, ct);
        }
        catch (Exception ex)
        {
            await failed.CancelAsync();
            try { await Task.WhenAll(inFlight); } catch { /* the first failure is the one to report */ }
            if (began) await sink.AbortAsync();
            // A part that failed because we cancelled it after another failure is not the cause.
            if (ex is OperationCanceledException && !ct.IsCancellationRequested
                && inFlight.FirstOrDefault(t => t.IsFaulted) is { Exception: { } agg })
                throw agg.InnerException ?? agg;
            throw;
        }
        finally
        {
            if (buffer is not null) parts.Return(buffer);
        }

        async Task StageAsync(int number, byte[] data, int count)
        {
            try
            {
                await partRetry.ExecuteAsync(
                    async t => await sink.StagePartAsync(number, data.AsMemory(0, count), t), failed.Token);
            }
            catch
            {
                await failed.CancelAsync();
                throw;
            }
            finally
            {
                parts.Return(data);
                slots.Release();
            }
        }
    }
}
