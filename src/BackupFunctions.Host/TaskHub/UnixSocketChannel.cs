using System.Net.Sockets;
using Grpc.Net.Client;

namespace BackupFunctions.Host.TaskHub;

/// <summary>
/// A gRPC channel over a Unix domain socket. The sidecar listens on a socket in a 0700 directory rather than a loopback
/// port: no port to pick or collide with, and no other local user can reach the task hub's unauthenticated API.
/// </summary>
internal static class UnixSocketChannel
{
    public static GrpcChannel Create(string socketPath) =>
        GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, ct) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    try
                    {
                        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct).ConfigureAwait(false);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
                // The worker holds one long-lived work-item stream; keep the connection alive through quiet hours.
                KeepAlivePingDelay = TimeSpan.FromSeconds(30),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
            },
            MaxReceiveMessageSize = 16 * 1024 * 1024,
        });
}
