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
                            $"X-Long: {new string('a', 40_000)}\r\n"]));
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
                    text.Replace("/workflows", Pick(random, ["/workflows/../workflows", "/WORKFLOWS", "*", "http://evil.example/workflows", "/workflows%00", "/%"]), 0, headerEnd);
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
