using System.Globalization;
using System.Net;

namespace Sgraf.Api.Tests.Cluster;

/// <summary>
/// The TCP sockets a process listens on, as Linux reports them: its socket inodes (/proc/PID/fd) matched with the
/// LISTEN entries of /proc/net/tcp and tcp6.
/// </summary>
internal static class ListeningSockets
{
    public static List<IPEndPoint> Of(int pid)
    {
        var inodes = Directory.GetFiles($"/proc/{pid}/fd")
            .Select(fd => new FileInfo(fd).LinkTarget)
            .Where(target => target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
            .Select(target => target!["socket:[".Length..^1])
            .ToHashSet();
        return [.. Table("/proc/net/tcp", ipv6: false).Concat(Table("/proc/net/tcp6", ipv6: true))
            .Where(e => e.Listening && inodes.Contains(e.Inode)).Select(e => e.EndPoint)];
    }

    static IEnumerable<(IPEndPoint EndPoint, bool Listening, string Inode)> Table(string path, bool ipv6)
    {
        if (!File.Exists(path)) yield break;
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var local = fields[1].Split(':');
            // The address is in the kernel's byte order: each 32-bit word little-endian.
            var hex = Convert.FromHexString(local[0]);
            for (int word = 0; word < hex.Length; word += 4) Array.Reverse(hex, word, 4);
            var address = new IPAddress(ipv6 ? hex : hex[..4]);
            yield return (new IPEndPoint(address, int.Parse(local[1], NumberStyles.HexNumber)), fields[3] == "0A", fields[9]);
        }
    }
}
