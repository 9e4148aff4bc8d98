using System.Net.Http.Headers;
using System.Text;
using GoFlow.Benchmarks.Measurements;

namespace GoFlow.Benchmarks.ChildHost;

/// <summary>
/// POST /workflows from C concurrent clients, each sending its next request when the last one was answered, over
/// keep-alive connections (one per client). Only 2xx answers count; everything else is tallied by status or error.
/// </summary>
internal sealed class HttpLoad : IDisposable
{
    private readonly HttpClient _client;
    private readonly int _clients;
    private readonly TimeProvider _time;

    public HttpLoad(Uri baseAddress, int clients, TimeProvider time)
    {
        _clients = clients;
        _time = time;
        _client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = clients,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    /// <summary>Posts for <paramref name="duration"/>, or until <paramref name="count"/> requests were sent, whichever comes first.</summary>
    public async Task<HttpLoadFigures> RunAsync(
        string workflowName, TimeSpan? duration, long? count, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes($$$"""{"workflow_name":"{{{workflowName}}}","input_payload":{}}""");
        var route = new Uri("/workflows", UriKind.Relative);
        var errors = new Dictionary<string, long>(StringComparer.Ordinal);
        var latencies = new List<double>[_clients];
        long ok = 0, failed = 0, issued = 0;
        var clock = _time.GetTimestamp();

        await Task.WhenAll(Enumerable.Range(0, _clients).Select(async client =>
        {
            var mine = latencies[client] = [];
            while ((duration is null || _time.GetElapsedTime(clock) < duration)
                && (count is null || Interlocked.Increment(ref issued) <= count))
            {
                var sent = _time.GetTimestamp();
                string? error;
                try
                {
                    using var content = new ByteArrayContent(body);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    using var response = await _client.PostAsync(route, content, cancellationToken);
                    await response.Content.LoadIntoBufferAsync(cancellationToken);
                    error = response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
                }
                catch (HttpRequestException exception)
                {
                    error = $"{exception.GetType().Name}: {exception.Message}";
                }
                catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
                {
                    error = $"timeout: {exception.Message}";
                }

                mine.Add(_time.GetElapsedTime(sent).TotalMilliseconds);
                if (error is null)
                {
                    Interlocked.Increment(ref ok);
                    continue;
                }

                Interlocked.Increment(ref failed);
                lock (errors)
                {
                    errors[error] = errors.GetValueOrDefault(error) + 1;
                }
            }
        }));

        return new HttpLoadFigures(
            ok, failed, errors, _time.GetElapsedTime(clock).TotalSeconds, Percentiles.Of(latencies.SelectMany(list => list)));
    }

    public void Dispose() => _client.Dispose();
}
