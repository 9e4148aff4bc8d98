using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace GoFlow.Adapters.Http.Tests.Support;

/// <summary>
/// Requests written byte for byte to a real Kestrel over TCP, for what HttpClient will not send: broken chunked
/// framing, a connection reset halfway through a body, odd request lines and headers.
/// </summary>
internal static class RawHttp
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Sends <paramref name="request"/> and reads the answer until the server closes the connection. With
    /// <paramref name="endRequest"/> the client also closes its side once sent, so that a request that promises more than
    /// it sends ends at once instead of when the server's timeout does (the server may then answer nothing: status 0).
    /// </summary>
    public static async Task<RawAnswer> SendAsync(Uri server, byte[] request, bool endRequest = false)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        using var timeout = new CancellationTokenSource(AnswerTimeout);
        await stream.WriteAsync(request, timeout.Token);
        if (endRequest)
        {
            client.Client.Shutdown(SocketShutdown.Send);
        }

        var answer = new MemoryStream();
        try
        {
            await stream.CopyToAsync(answer, timeout.Token);
        }
        catch (Exception exception) when (exception is IOException or SocketException)
        {
            // The server may reset the connection once it has answered a request it could not read; what came counts.
        }

        return RawAnswer.Parse(answer.ToArray());
    }

    public static Task<RawAnswer> SendAsync(Uri server, string request) => SendAsync(server, Encoding.Latin1.GetBytes(request));

    /// <summary>
    /// Sends <paramref name="request"/> on a connection the client keeps open, reads one answer (its head and the body
    /// its Content-Length declares), and then whether the server closes the connection within
    /// <paramref name="closeWithin"/>: a server keeping it alive waits for the next request far longer (Kestrel's
    /// keep-alive timeout is 130 s).
    /// </summary>
    public static async Task<(RawAnswer Answer, bool Closed)> SendAndWatchTheConnectionAsync(
        Uri server, string request, TimeSpan closeWithin)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        using var timeout = new CancellationTokenSource(AnswerTimeout);
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request), timeout.Token);

        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (!HoldsOneAnswer(received.ToArray()))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                return (RawAnswer.Parse(received.ToArray()), true);
            }

            received.Write(buffer, 0, read);
        }

        // The rest of the answer may still come (a chunked body's last chunk): only the end of the stream within the
        // window says the server closed.
        using var wait = new CancellationTokenSource(closeWithin);
        try
        {
            while (true)
            {
                var more = await stream.ReadAsync(buffer, wait.Token);
                if (more == 0)
                {
                    return (RawAnswer.Parse(received.ToArray()), true);
                }

                received.Write(buffer, 0, more);
            }
        }
        catch (OperationCanceledException) when (wait.IsCancellationRequested)
        {
            return (RawAnswer.Parse(received.ToArray()), false);
        }
        catch (Exception exception) when (exception is IOException or SocketException)
        {
            return (RawAnswer.Parse(received.ToArray()), true);
        }
    }

    /// <summary>Whether <paramref name="bytes"/> hold an answer's head and as much body as its Content-Length says.</summary>
    private static bool HoldsOneAnswer(byte[] bytes)
    {
        var text = Encoding.Latin1.GetString(bytes);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        var length = RawAnswer.Parse(bytes).Header("Content-Length");
        return bytes.Length - (end + 4) >= (length is null ? 0 : int.Parse(length, CultureInfo.InvariantCulture));
    }

    /// <summary>Sends <paramref name="request"/> and returns every byte the server writes until it closes the connection.</summary>
    public static async Task<byte[]> SendBytesAsync(Uri server, byte[] request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        using var timeout = new CancellationTokenSource(AnswerTimeout);
        await stream.WriteAsync(request, timeout.Token);
        var answer = new MemoryStream();
        try
        {
            await stream.CopyToAsync(answer, timeout.Token);
        }
        catch (Exception exception) when (exception is IOException or SocketException)
        {
            // A reset after the answer: what came counts.
        }

        return answer.ToArray();
    }

    /// <summary>
    /// Sends the start of a request and, once <paramref name="serverHasIt"/> has completed, resets the connection (RST)
    /// without sending the rest. (Reset any earlier and the server's kernel drops the unread request with it.)
    /// </summary>
    public static async Task SendAndResetAsync(Uri server, string requestStart, Func<Task> serverHasIt)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        await client.GetStream().WriteAsync(Encoding.Latin1.GetBytes(requestStart));
        await client.GetStream().FlushAsync();
        await serverHasIt();
        client.Client.LingerState = new LingerOption(enable: true, seconds: 0);
        client.Client.Close();
    }
}

/// <summary>An answer read off the wire: status code (0 when none came), header lines, and the body as text.</summary>
internal sealed record RawAnswer(int Status, IReadOnlyList<string> Headers, string Body)
{
    public static RawAnswer Parse(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = end < 0 ? text : text[..end];
        var lines = head.Split("\r\n");
        var parts = lines[0].Split(' ');
        var status = parts.Length > 1 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : 0;
        return new RawAnswer(status, lines[1..], end < 0 ? string.Empty : text[(end + 4)..]);
    }

    public string? Header(string name) => Headers
        .Where(line => line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
        .Select(line => line[(name.Length + 1)..].Trim())
        .FirstOrDefault();
}
