using System.Net;
using System.Net.Sockets;

namespace BackupFunctions.Host.Tests.Support;

public static class FreePort
{
    /// <summary>A port that was free a moment ago, for settings that need a number up front (FUNCTIONS_CUSTOMHANDLER_PORT).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
