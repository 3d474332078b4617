using BackupFunctions.Pipeline.Streams;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>The staging file that uploads read while the dump still writes it.</summary>
public sealed class GrowingFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bf-growing-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_reader_started_before_the_file_exists_follows_the_writer_and_ends_only_when_it_completes()
    {
        var file = new GrowingFile(Path.Combine(_dir, "a.partial"));
        await using var reader = file.OpenReader();
        var readAll = Task.Run(async () =>
        {
            using var copy = new MemoryStream();
            await reader.CopyToAsync(copy, 4096);
            return copy.ToArray();
        });

        var expected = new byte[300_000];
        Random.Shared.NextBytes(expected);
        await using (var fs = new FileStream(file.Path, FileMode.Create, FileAccess.Write, FileShare.Read, 1))
        {
            var writer = file.TrackWrites(fs);
            for (var offset = 0; offset < expected.Length; offset += 70_000)
            {
                await writer.WriteAsync(expected.AsMemory(offset, Math.Min(70_000, expected.Length - offset)));
                await Task.Delay(20);
                Assert.False(readAll.IsCompleted, "the reader must not see the end before the writer completes");
            }
        }

        Assert.Equal(expected.Length, file.Written);
        file.Complete();
        Assert.Equal(expected, await readAll.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_writer_failure_fails_every_reader_with_its_message_even_after_all_bytes_were_read()
    {
        var file = new GrowingFile(Path.Combine(_dir, "b.partial"));
        await using var fs = new FileStream(file.Path, FileMode.Create, FileAccess.Write, FileShare.Read, 1);
        var writer = file.TrackWrites(fs);
        writer.Write(new byte[1000]);
        await using var reader = file.OpenReader();
        var buffer = new byte[4096];
        Assert.Equal(1000, await reader.ReadAsync(buffer));
        var pending = reader.ReadAsync(buffer).AsTask();

        file.Fail(new InvalidOperationException("pg_dump exited with code 1"));

        var error = await Assert.ThrowsAsync<IOException>(() => pending.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("pg_dump exited with code 1", error.Message);
        Assert.Contains("b.partial", error.Message);
        await Assert.ThrowsAsync<IOException>(() => file.OpenReader().ReadAsync(buffer).AsTask());
    }

    [Fact]
    public async Task A_waiting_reader_honours_cancellation_and_an_empty_completed_file_reads_as_empty()
    {
        var file = new GrowingFile(Path.Combine(_dir, "c.partial"));
        await using var reader = file.OpenReader();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reader.ReadAsync(new byte[10], cts.Token).AsTask());

        file.Complete();
        file.Fail(new InvalidOperationException("too late: completion stands"));
        Assert.Equal(0, await reader.ReadAsync(new byte[10]));
        Assert.False(reader.CanSeek);
    }

    [Fact]
    public async Task A_file_shorter_than_the_writer_reported_is_an_error_not_a_silent_end()
    {
        var file = new GrowingFile(Path.Combine(_dir, "d.partial"));
        await using (var fs = new FileStream(file.Path, FileMode.Create, FileAccess.Write, FileShare.Read, 1))
            file.TrackWrites(fs).Write(new byte[100]);
        await using (var truncate = new FileStream(file.Path, FileMode.Truncate)) { }
        file.Complete();

        var error = await Assert.ThrowsAsync<IOException>(() => file.OpenReader().ReadAsync(new byte[10]).AsTask());
        Assert.Contains("shorter than its writer reported", error.Message);
    }
}
