using System.Net;
using System.Net.Sockets;

namespace Sgraf.TestSupport;

/// <summary>Free TCP ports on 127.0.0.1 for the real servers tests start (the service, redis-server, nginx, stand-ins).</summary>
public static class LoopbackPorts
{
    public static int Free() => Free(1)[0];

    /// <summary><paramref name="count"/> distinct free ports: all held open at once while they are picked.</summary>
    public static int[] Free(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }
}
