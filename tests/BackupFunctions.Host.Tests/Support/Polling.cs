namespace BackupFunctions.Host.Tests.Support;

/// <summary>Waiting for the system to reach a state, bounded so a broken system fails the test instead of hanging it.</summary>
public static class Polling
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, int maxSeconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(maxSeconds);
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Gave up after {maxSeconds}s waiting for {what}; last value: {value}");
            }

            await Task.Delay(100);
        }
    }
}
