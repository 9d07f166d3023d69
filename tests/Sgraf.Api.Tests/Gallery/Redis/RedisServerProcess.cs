using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.Gallery.Redis;

/// <summary>
/// A real redis-server on a free loopback port, persisting to a temp folder as production should (AOF, fsync on
/// every write, no RDB snapshots). It can be killed with SIGKILL and started again on the same folder and port.
/// On a machine without redis-server, scripts/install-deps.sh installs it first (CI runs as root with apt).
/// </summary>
public sealed class RedisServerProcess : IDisposable
{
    private readonly TempDirectory _directory = new();
    private Process? _process;

    public RedisServerProcess()
    {
        Port = LoopbackPorts.Free();
        Start();
    }

    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string for this server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public void Start()
    {
        var start = new ProcessStartInfo(RedisServerExecutable.Path) { UseShellExecute = false };
        foreach (string argument in new[]
                 {
                     "--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", _directory.Path,
                     "--appendonly", "yes", "--appendfsync", "always", "--save", "",
                     "--logfile", _directory.File("redis.log"),
                 })
        {
            start.ArgumentList.Add(argument);
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start redis-server");
        WaitUntilServing();
    }

    /// <summary>SIGKILL, as a crash: Redis gets no chance to flush anything it had not already fsync'ed.</summary>
    public void Kill()
    {
        if (_process is null) return;
        _process.Kill();
        _process.WaitForExit();
        _process.Dispose();
        _process = null;
    }

    private void WaitUntilServing()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with {_process.ExitCode}: {Log()}");
            }
            if (AnswersPing()) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"redis-server did not answer PING: {Log()}");
            Thread.Sleep(50);
        }
    }

    private bool AnswersPing()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            using NetworkStream stream = client.GetStream();
            stream.Write("PING\r\n"u8);
            var reply = new byte[64];
            int read = stream.Read(reply);
            // While it replays the append-only file Redis answers -LOADING; it serves only after.
            return Encoding.ASCII.GetString(reply, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private string Log() => File.Exists(_directory.File("redis.log")) ? File.ReadAllText(_directory.File("redis.log")) : "(no log)";

    public void Dispose()
    {
        Kill();
        _directory.Dispose();
    }
}
