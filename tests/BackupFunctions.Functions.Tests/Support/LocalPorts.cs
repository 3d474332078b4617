using System.Net;
using System.Net.Sockets;

namespace BackupFunctions.Functions.Tests.Support;

internal static class LocalPorts
{
    /// <summary>A port on 127.0.0.1 that was free a moment ago: a connection to it is refused at once, no timeout.</summary>
    public static int Closed()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
