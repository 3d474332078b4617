using System.Net.Http;
using System.Net.Sockets;

namespace BackupFunctions.Targets;

/// <summary>Classifies exceptions that come from the network stack rather than from a store's answer.</summary>
internal static class NetworkErrors
{
    /// <summary>
    /// True when <paramref name="ex"/> (or an inner exception) says the endpoint could not be reached
    /// or the connection broke: these are always worth retrying.
    /// </summary>
    public static bool IsNetworkFailure(Exception ex, CancellationToken ct)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SocketException:
                case HttpRequestException:
                case TimeoutException:
                case IOException and not FileNotFoundException and not DirectoryNotFoundException:
                    return true;
                // A cancellation nobody asked for is an HTTP client timeout.
                case OperationCanceledException when !ct.IsCancellationRequested:
                    return true;
            }
        }
        return false;
    }

    /// <summary>The innermost message, which is usually the one that says what went wrong ("Connection refused").</summary>
    public static string RootMessage(Exception ex)
    {
        var e = ex;
        while (e.InnerException is not null) e = e.InnerException;
        return e.Message;
    }
}
