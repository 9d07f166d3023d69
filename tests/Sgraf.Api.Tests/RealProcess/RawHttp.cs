using System.Net.Sockets;
using System.Text;

namespace Sgraf.Api.Tests.RealProcess;

/// <summary>
/// Bytes sent as they are on a new connection, and the whole answer read until the server closes it: for requests no
/// HTTP client will send (a NUL in the target, a broken request line) and for what Kestrel itself writes back.
/// </summary>
public static class RawHttp
{
    public sealed record Answer(int Status, IReadOnlyDictionary<string, string> Headers, string Body);

    public static async Task<Answer> SendAsync(string url, byte[] request)
    {
        var uri = new Uri(url);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(uri.Host, uri.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(request);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var read = new MemoryStream();
        await stream.CopyToAsync(read, timeout.Token);
        return Parse(Encoding.Latin1.GetString(read.ToArray()));
    }

    /// <summary>A request with <c>Connection: close</c>, so the server ends the connection after answering.</summary>
    public static byte[] Request(string requestLine, params string[] headers) =>
        Encoding.Latin1.GetBytes($"{requestLine}\r\nHost: localhost\r\nConnection: close\r\n{string.Concat(headers.Select(h => h + "\r\n"))}\r\n");

    static Answer Parse(string response)
    {
        int end = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end > 0, $"not an HTTP response: {response}");
        var lines = response[..end].Split("\r\n");
        int status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = lines[1..].Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        string body = response[(end + 4)..];
        if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase)) body = Dechunk(body);
        return new Answer(status, headers, body);
    }

    static string Dechunk(string chunked)
    {
        var body = new StringBuilder();
        int at = 0;
        while (true)
        {
            int lineEnd = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            int size = Convert.ToInt32(chunked[at..lineEnd].Split(';')[0], 16);
            if (size == 0) return body.ToString();
            body.Append(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }
}
