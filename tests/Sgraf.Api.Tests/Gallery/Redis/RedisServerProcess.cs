using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Sgraf.TestSupport;

namespace Sgraf.Api.Tests.Gallery.Redis;

/// <summary>
/// A real redis-server on a free loopback port, persisting to a temp folder as production should (AOF, fsync on
/// every write, no RDB snapshots) and requiring a password, as the compose files and scripts run it. It can be killed
/// with SIGKILL and started again on the same folder and port. With <see cref="WithTls"/> it also serves TLS on
/// <see cref="TlsPort"/>, with a certificate from scripts/make-cluster-certs.sh's CA.
/// On a machine without redis-server, scripts/install-deps.sh installs it first (CI runs as root with apt).
/// </summary>
public sealed class RedisServerProcess : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly bool _tls;
    private Process? _process;

    public RedisServerProcess() : this(tls: false)
    {
    }

    private RedisServerProcess(bool tls)
    {
        _tls = tls;
        Port = LoopbackPorts.Free();
        if (tls)
        {
            TlsPort = LoopbackPorts.Free();
            MakeCertificates.Run(_directory.File("certs"), "redis", "client");
        }
        Start();
    }

    /// <summary>A server that also listens for TLS on <see cref="TlsPort"/> (and checks clients' certificates, Redis's default).</summary>
    public static RedisServerProcess WithTls() => new(tls: true);

    public int Port { get; }

    public int TlsPort { get; }

    /// <summary>Random per server, as the scripts make one.</summary>
    public string Password { get; } = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    /// <summary>The StackExchange.Redis configuration string for this server, password included.</summary>
    public string Configuration => $"127.0.0.1:{Port},password={Password}";

    /// <summary>Where the TLS certificates are: ca.crt, redis.crt/.key (the server's), client.crt/.key.</summary>
    public string CertificateFile(string name) => _directory.File(Path.Combine("certs", name));

    public void Start()
    {
        // The password in a config file rather than on the command line, where ps would show it, as the scripts do.
        File.WriteAllText(_directory.File("auth.conf"), $"requirepass \"{Password}\"\n");
        var start = new ProcessStartInfo(RedisServerExecutable.Path) { UseShellExecute = false };
        string[] tls = _tls
            ? ["--tls-port", TlsPort.ToString(), "--tls-cert-file", CertificateFile("redis.crt"), "--tls-key-file", CertificateFile("redis.key"),
               "--tls-ca-cert-file", CertificateFile("ca.crt")]
            : [];
        foreach (string argument in new[]
                 {
                     _directory.File("auth.conf"),
                     "--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", _directory.Path,
                     "--appendonly", "yes", "--appendfsync", "always", "--save", "",
                     "--logfile", _directory.File("redis.log"),
                 }.Concat(tls))
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
            stream.Write(Encoding.ASCII.GetBytes($"AUTH {Password}\r\nPING\r\n"));
            var reply = new byte[128];
            int read = 0;
            // Two replies: +OK to AUTH, then +PONG; while it replays the append-only file Redis answers -LOADING.
            while (read < reply.Length && Encoding.ASCII.GetString(reply, 0, read).Count(c => c == '\n') < 2)
            {
                int got = stream.Read(reply, read, reply.Length - read);
                if (got == 0) break;
                read += got;
            }
            return Encoding.ASCII.GetString(reply, 0, read).Contains("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            // Not listening yet, or it closed the connection while starting.
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
