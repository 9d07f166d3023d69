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
        var buffer = new byte[8192];
        // Until the server closes, or the answer is complete by its length or last chunk: a server that answers before
        // reading an announced body (401, 413) may keep the connection open waiting for that body, then reset it.
        for (int n; !Complete(read) && (n = await stream.ReadAsync(buffer, timeout.Token)) > 0;) read.Write(buffer, 0, n);
        return Parse(Encoding.Latin1.GetString(read.ToArray()));
    }

    static bool Complete(MemoryStream read)
    {
        var text = Encoding.Latin1.GetString(read.GetBuffer(), 0, (int)read.Length);
        int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0) return false;
        var head = text[..end].Split("\r\n");
        if (head.Any(l => l.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase) && l.Contains("chunked", StringComparison.OrdinalIgnoreCase)))
            return text.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal);
        var length = head.FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        return length is not null && text.Length - (end + 4) >= int.Parse(length.Split(':')[1].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// <paramref name="head"/> (a request with <c>Transfer-Encoding: chunked</c>), then <paramref name="chunk"/> as chunks
    /// until <paramref name="upTo"/> bytes are sent or the server answers or closes; the answer.
    /// </summary>
    public static async Task<Answer> SendChunkedAsync(string url, byte[] head, byte[] chunk, long upTo)
    {
        var uri = new Uri(url);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(uri.Host, uri.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(head);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var answer = new MemoryStream();
        // Read while sending: the answer may come (and the connection close) long before the body is all sent.
        var reading = Task.Run(async () =>
        {
            var buffer = new byte[8192];
            try
            {
                for (int n; (n = await stream.ReadAsync(buffer, timeout.Token)) > 0;)
                    lock (answer) answer.Write(buffer, 0, n);
            }
            catch (IOException)
            {
                // Reset after the answer, as the server closed with body bytes still arriving.
            }
        });
        var framed = Encoding.ASCII.GetBytes($"{chunk.Length:X}\r\n").Concat(chunk).Concat("\r\n"u8.ToArray()).ToArray();
        try
        {
            for (long sent = 0; sent < upTo && !Answered(); sent += chunk.Length) await stream.WriteAsync(framed, timeout.Token);
            if (!Answered()) await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), timeout.Token);
        }
        catch (IOException)
        {
            // The server answered and closed the connection while the body was still being sent.
        }
        await reading;
        lock (answer) return Parse(Encoding.Latin1.GetString(answer.ToArray()));

        bool Answered()
        {
            lock (answer) return answer.Length > 0;
        }
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
