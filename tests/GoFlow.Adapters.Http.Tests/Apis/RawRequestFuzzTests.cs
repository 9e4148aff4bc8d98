using System.Text;
using GoFlow.Adapters.Http.Tests.Hosted;
using GoFlow.Adapters.Http.Tests.Support;
using GoFlow.Ports.Driving;
using GoFlow.Ports.ReadModels;
using Microsoft.Extensions.Logging;
using Moq;

namespace GoFlow.Adapters.Http.Tests.Apis;

/// <summary>
/// Seeded mutations of real requests' HTTP framing, written byte for byte to a real Kestrel: request lines, header
/// lines, Content-Length and chunk sizes changed, line ends cut, bytes flipped. Whatever Kestrel or the adapter makes
/// of them, none is answered with a 5xx (but 505 for an HTTP version Kestrel does not speak) and none is logged as an error. The seed is chosen as <see cref="FuzzRun"/> says.
/// </summary>
public sealed class RawRequestFuzzTests
{
    private const int RequestsPerRun = 300;

    private static readonly string[] ChunkSizes = ["0", "1", "ff", "FFFFFFFF", "80000000", "7fffffffffffffff", "-1", "g", "", " 5", "5;ext=1", "00000000000000000001"];

    /// <summary>
    /// How long a connection may take to close after its answer. A bound, not a wait: the read ends as the connection
    /// does, so a passing run spends none of it, and a loaded machine gets room to close late.
    /// </summary>
    private static readonly TimeSpan SlowestClose = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the control watches a kept connection. Spent in full by every passing run, so it is short: a server that
    /// closes every connection after its answer closes within milliseconds, and Kestrel keeps an idle connection for
    /// 130 s, so a second tells the two apart; load on the machine only delays a close, it cannot cause one.
    /// </summary>
    private static readonly TimeSpan KeptOpenFor = TimeSpan.FromSeconds(1);

    private AdapterApp _app = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _app = await AdapterApp.StartAsync(onKestrel: true);
        _app.Ports.StartWorkflow
            .Setup(port => port.StartAsync(It.IsAny<StartWorkflowCommand>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new StartWorkflowResult.Started(ReadModels.Workflow()));
        _app.Ports.ListWorkflows
            .Setup(port => port.ListAsync(It.IsAny<WorkflowListQuery>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new WorkflowPage([], Next: null));
    }

    [TearDown]
    public async Task StopAsync() => await _app.DisposeAsync();

    [Test]
    public async Task RawRequests_SeededFramingMutations_NeverAnswer5xxNorLogAnError()
    {
        var run = FuzzRun.Choose(nameof(RawRequestFuzzTests));
        var random = new Random(run.Seed);
        var answers = new Dictionary<int, int>();
        for (var index = 0; index < RequestsPerRun * run.Scale; index++)
        {
            var request = Mutate(random, Pick(random, Requests(random)));
            var answer = await RawHttp.SendAsync(_app.Client.BaseAddress!, request, endRequest: true);
            answers[answer.Status] = answers.GetValueOrDefault(answer.Status) + 1;
            var context = $"seed {run.Seed}, request {index}: {Encoding.Latin1.GetString(request[..Math.Min(request.Length, 300)])}\n" +
                $"answer {answer.Status}: {answer.Body}";

            // 505 is HTTP's own answer to a request line naming a version the server does not speak (HTTP/2.0 as text).
            Assert.That(answer.Status, Is.LessThan(500).Or.EqualTo(505), context);
            HttpJson.AssertNoInternals(answer.Body);
            Assert.That(_app.Logs.Entries.Where(entry => entry.Level >= LogLevel.Error).Select(entry => $"{entry.Message} {entry.Exception}"),
                Is.Empty, context);
        }

        TestContext.Progress.WriteLine(
            $"RawRequestFuzzTests: {RequestsPerRun * run.Scale} requests; " +
            string.Join(", ", answers.OrderBy(answer => answer.Key).Select(answer => $"{answer.Key}: {answer.Value}")));
    }

    /// <summary>
    /// Requests over GoFlow's limits on the request target and headers (ApiOptions, defaults 8 KiB, 32 KiB, 100 fields) but
    /// within the four times that Kestrel's parser is set to: GoFlow's 414 or 431 problem, never Kestrel's empty answer.
    /// </summary>
    [TestCase("a target one byte over", 414)]
    [TestCase("a target three times over", 414)]
    [TestCase("one header of 33 KiB", 431)]
    [TestCase("headers of 100 KiB in all", 431)]
    [TestCase("101 headers", 431)]
    [TestCase("399 headers", 431)]
    [TestCase("a header sent 150 times", 431)]
    [TestCase("headers of 32 KiB and one byte in two-byte characters", 431)]
    [TestCase("one header of 24,000 two-byte characters", 431)]
    public async Task RawRequest_OverGoFlowsHeadLimits_AnswersAProblem(string request, int status)
    {
        var answer = await RawHttp.SendAsync(_app.Client.BaseAddress!, Encoding.UTF8.GetBytes(HeadLimitRequests[request]));

        Assert.That(answer.Status, Is.EqualTo(status), answer.Body);
        Assert.That(answer.Header("Content-Type"), Does.StartWith(HttpJson.ProblemContentType), answer.Body);
        Assert.That(answer.Body, Does.Contain($"\"status\":{status}"));
        HttpJson.AssertNoInternals(answer.Body);
        _app.Ports.VerifyNoneCalled();
    }

    /// <summary>Requests just within GoFlow's limits reach the route.</summary>
    [TestCase("a target of exactly 8 KiB")]
    [TestCase("headers of exactly 32 KiB")]
    [TestCase("100 headers")]
    [TestCase("headers of exactly 32 KiB in two-byte characters")]
    public async Task RawRequest_AtGoFlowsHeadLimits_IsAnswered(string request)
    {
        var answer = await RawHttp.SendAsync(_app.Client.BaseAddress!, Encoding.UTF8.GetBytes(HeadLimitRequests[request]));

        Assert.That(answer.Status, Is.EqualTo(200), answer.Body);
    }

    /// <summary>
    /// What still gets Kestrel's own answer, with an empty body, before any middleware: a request far over the limits
    /// (beyond the parser's four times), and one that is not HTTP (ADR 0016). Kestrel offers no hook to answer these.
    /// </summary>
    [TestCase("a target five times over", 414)]
    [TestCase("headers of 140 KiB in all", 431)]
    [TestCase("401 headers", 431)]
    [TestCase("a request line that is not HTTP", 400)]
    [TestCase("no Host header", 400)]
    [TestCase("a header line without a colon", 400)]
    [TestCase("a percent-encoded NUL in the path", 400)]
    [TestCase("a header value that is not UTF-8", 400)]
    [TestCase("a header line folded onto the next", 400)]
    [TestCase("an absolute target naming another host than Host", 400)]
    [TestCase("a CONNECT", 400)]
    public async Task RawRequest_BeyondTheServersParser_GetsKestrelsEmptyAnswer(string request, int status)
    {
        var answer = await RawHttp.SendAsync(_app.Client.BaseAddress!, HeadLimitRequests[request]);

        Assert.That(answer.Status, Is.EqualTo(status), answer.Body);
        Assert.That(answer.Body, Is.Empty);
        _app.Ports.VerifyNoneCalled();
    }

    private static readonly Dictionary<string, string> HeadLimitRequests = new()
    {
        ["a target one byte over"] = Get(Target(8 * 1024 + 1)),
        ["a target three times over"] = Get(Target(3 * 8 * 1024)),
        ["a target of exactly 8 KiB"] = Get(Target(8 * 1024)),
        ["a target five times over"] = Get(Target(5 * 8 * 1024)),
        ["one header of 33 KiB"] = Get("/workflows", $"X-Big: {new string('a', 33 * 1024)}\r\n"),
        ["headers of 100 KiB in all"] = Get("/workflows", Headers(count: 10, valueBytes: 10 * 1024)),
        ["headers of 140 KiB in all"] = Get("/workflows", Headers(count: 14, valueBytes: 10 * 1024)),
        // As GoFlow counts them (name, value, 4 for ": " and CRLF), Host: localhost is 17 bytes and Connection: close
        // 19; X-Big takes the rest. Every request here has those two headers besides the ones it adds.
        ["headers of exactly 32 KiB"] = Get("/workflows", $"X-Big: {new string('a', (32 * 1024) - 17 - 19 - 9)}\r\n"),
        // The limit is in bytes as sent: "é" is two bytes of UTF-8 (these requests are sent as UTF-8).
        ["headers of exactly 32 KiB in two-byte characters"] = Get("/workflows", $"X-Big: a{new string('é', ((32 * 1024) - 17 - 19 - 9 - 1) / 2)}\r\n"),
        ["headers of 32 KiB and one byte in two-byte characters"] = Get("/workflows", $"X-Big: ab{new string('é', ((32 * 1024) - 17 - 19 - 9 - 1) / 2)}\r\n"),
        ["one header of 24,000 two-byte characters"] = Get("/workflows", $"X-Big: {new string('é', 24_000)}\r\n"),
        ["101 headers"] = Get("/workflows", Headers(count: 99, valueBytes: 1)),
        ["100 headers"] = Get("/workflows", Headers(count: 98, valueBytes: 1)),
        ["399 headers"] = Get("/workflows", Headers(count: 397, valueBytes: 1)),
        ["401 headers"] = Get("/workflows", Headers(count: 399, valueBytes: 1)),
        ["a header sent 150 times"] = Get("/workflows", string.Concat(Enumerable.Repeat("X-Same: 1\r\n", 150))),
        ["a request line that is not HTTP"] = "GARBAGE\r\n\r\n",
        ["no Host header"] = "GET /workflows HTTP/1.1\r\nConnection: close\r\n\r\n",
        ["a header line without a colon"] = Get("/workflows", "Not a header\r\n"),
        ["a percent-encoded NUL in the path"] = Get("/workflows/%00"),
        // Sent as Latin-1 (RawHttp): the bytes FF FE, which no UTF-8 text holds.
        ["a header value that is not UTF-8"] = Get("/workflows", "Idempotency-Key: \u00ff\u00fe\r\n"),
        ["a header line folded onto the next"] = Get("/workflows", "X-Folded: a\r\n b\r\n"),
        ["an absolute target naming another host than Host"] = Get("http://evil.example/workflows"),
        ["a CONNECT"] = "CONNECT 127.0.0.1:3306 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    };

    /// <summary>
    /// HTTP/2 with prior knowledge on the cleartext port: Kestrel speaks HTTP/2 there only when the endpoint is HTTP/2
    /// alone, so it answers the client's preface with a GOAWAY frame whose error is HTTP_1_1_REQUIRED (0xd) and closes
    /// the connection (curl --http2-prior-knowledge reports "empty reply"). No request reaches GoFlow (ADR 0016).
    /// </summary>
    [Test]
    public async Task RawRequest_Http2PriorKnowledgeInCleartext_IsToldToUseHttp11AndReachesNothing()
    {
        var preface = Encoding.Latin1.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
        byte[] emptySettings = [0, 0, 0, 4, 0, 0, 0, 0, 0];
        byte[] headers = [0, 0, 5, 1, 5, 0, 0, 0, 1, 0x82, 0x86, 0x84, 0x41, 0x00]; // a GET / on stream 1, END_STREAM|END_HEADERS

        var answer = await RawHttp.SendBytesAsync(_app.Client.BaseAddress!, [.. preface, .. emptySettings, .. headers]);

        // The GOAWAY frame: length 8, type 7, no flags, stream 0, last stream 0, error HTTP_1_1_REQUIRED.
        Assert.That(Convert.ToHexString(answer), Does.Contain("000008070000000000" + "000000000000000D"));
        _app.Ports.VerifyNoneCalled();
        Assert.That(_app.Logs.Entries.Where(entry => entry.Level >= LogLevel.Error), Is.Empty);
    }

    /// <summary>
    /// A request framed both ways, Content-Length and chunked, is read as chunked, and the connection is closed after the
    /// answer (RFC 9112, section 6.1: a server that reads such a request MUST close the connection after responding, or a
    /// proxy in front that read the length instead could smuggle a second request in the remainder; ADR 0016). Kestrel
    /// does this itself (the POST's Connection: close is its own); the test holds it to that across updates.
    /// </summary>
    [TestCase("POST /workflows", 201)]
    [TestCase("GET /workflows", 400)]
    public async Task RawRequest_WithContentLengthAndChunked_IsAnsweredAndTheConnectionClosed(string requestLine, int status)
    {
        const string Body = """{"workflow_name":"OrderProcess","input_payload":{}}""";
        var request = $"{requestLine} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
            $"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n{Body.Length:x}\r\n{Body}\r\n0\r\n\r\n";

        var (answer, closed) = await RawHttp.SendAndWatchTheConnectionAsync(_app.Client.BaseAddress!, request, SlowestClose);

        Assert.Multiple(() =>
        {
            Assert.That(answer.Status, Is.EqualTo(status), answer.Body);
            Assert.That(answer.Header("Connection"), Is.EqualTo("close"), "the answer says the connection ends");
            Assert.That(closed, Is.True, "the server closed the connection after answering");
        });
    }

    /// <summary>The control: a request framed by chunks alone is answered on a connection kept alive for the next.</summary>
    [Test]
    public async Task RawRequest_ChunkedAlone_KeepsTheConnection()
    {
        const string Body = """{"workflow_name":"OrderProcess","input_payload":{}}""";
        var request = "POST /workflows HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
            $"Transfer-Encoding: chunked\r\n\r\n{Body.Length:x}\r\n{Body}\r\n0\r\n\r\n";

        var (answer, closed) = await RawHttp.SendAndWatchTheConnectionAsync(_app.Client.BaseAddress!, request, KeptOpenFor);

        Assert.Multiple(() =>
        {
            Assert.That(answer.Status, Is.EqualTo(201), answer.Body);
            Assert.That(answer.Header("Connection"), Is.Null);
            Assert.That(closed, Is.False, "the connection waits for the next request");
        });
    }

    /// <summary>A GET of /workflows whose target is <paramref name="bytes"/> long (an unknown parameter pads it).</summary>
    private static string Target(int bytes) => "/workflows?pad=" + new string('a', bytes - "/workflows?pad=".Length);

    private static string Headers(int count, int valueBytes) =>
        string.Concat(Enumerable.Range(0, count).Select(index => $"X-H{index}: {new string('a', valueBytes)}\r\n"));

    private static string Get(string target, string headers = "") =>
        $"GET {target} HTTP/1.1\r\nHost: localhost\r\n{headers}Connection: close\r\n\r\n";

    /// <summary>Real requests: a list read, a start with a declared length, a start in chunks.</summary>
    private static string[] Requests(Random random)
    {
        const string Body = """{"workflow_name":"OrderProcess","input_payload":{"note":"<é😀>"}}""";
        var bodyBytes = Encoding.UTF8.GetByteCount(Body);
        var chunkSize = Pick(random, ChunkSizes);
        return
        [
            "GET /workflows?limit=5 HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n\r\n",
            $"POST /workflows HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {bodyBytes}\r\n\r\n{Body}",
            $"POST /workflows HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
                $"{bodyBytes:x}\r\n{Body}\r\n{chunkSize}\r\n{Body}\r\n0\r\n\r\n",
        ];
    }

    private static byte[] Mutate(Random random, string request)
    {
        var text = new StringBuilder(request);
        for (var count = random.Next(0, 3); count > 0; count--)
        {
            var headerEnd = Math.Max(1, text.ToString().IndexOf("\r\n\r\n", StringComparison.Ordinal));
            switch (random.Next(8))
            {
                case 0:
                    text.Replace("\r\n", "\n", 0, headerEnd);
                    break;
                case 1:
                    text.Insert(text.ToString().IndexOf("\r\n", StringComparison.Ordinal) + 2,
                        Pick(random, ["Content-Length: 5\r\n", "Content-Length: -1\r\n", "Content-Length: 99999999999999999999\r\n",
                            "Transfer-Encoding: chunked\r\n", "Transfer-Encoding: gzip, chunked\r\n", "Host: evil.example\r\n",
                            "X-Bad Header: 1\r\n", "Content-Type: text/json\r\n", ": empty name\r\n", "Expect: 100-continue\r\n",
                            $"X-Long: {new string('a', 40_000)}\r\n", $"X-Huge: {new string('a', 200_000)}\r\n",
                            string.Concat(Enumerable.Repeat("X-Many: 1\r\n", 150))]));
                    break;
                case 2:
                    text.Replace("HTTP/1.1", Pick(random, ["HTTP/1.0", "HTTP/2.0", "HTTP/1.1 ", "HTTQ/1.1", "HTTP/1.10"]), 0, headerEnd);
                    break;
                case 3:
                    text.Remove(random.Next(text.Length), 1);
                    break;
                case 4:
                    var at = random.Next(text.Length);
                    text[at] = (char)random.Next(0, 256);
                    break;
                case 5:
                    text.Length = random.Next(text.Length);
                    break;
                case 6:
                    text.Replace("/workflows", Pick(random, ["/workflows/../workflows", "/WORKFLOWS", "*", "http://evil.example/workflows", "/workflows%00", "/%",
                        "/workflows?pad=" + new string('a', 9_000), "/workflows?pad=" + new string('a', 40_000)]), 0, headerEnd);
                    break;
                default:
                    text.Insert(0, Pick(random, ["\r\n", " ", "GET / HTTP/1.1\r\nHost: x\r\n\r\n"]));
                    break;
            }
        }

        return Encoding.Latin1.GetBytes(text.ToString());
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
