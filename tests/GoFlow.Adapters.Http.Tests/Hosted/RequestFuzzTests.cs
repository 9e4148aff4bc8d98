using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using GoFlow.Adapters.Http.Tests.Support;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>
/// Seeded mutations of real requests through the real host on the real database: ids and next_cursor values the API
/// gave out, changed a character at a time; query parameters repeated and mangled; odd Accept, Content-Type,
/// Content-Encoding, Idempotency-Key, Host, Origin, Sec-Fetch-Site, conditional and range headers; every method on every route. None may get a 5xx, and every error is an RFC 9457
/// problem without internals. The seed is chosen as <see cref="FuzzRun"/> says.
/// </summary>
public sealed class RequestFuzzTests
{
    private const int RequestsPerRun = 800;

    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"];

    private static readonly string[] Accepts =
        ["text/html", "text/plain", "application/xml", "*/*", "application/json", "application/problem+json", "image/*;q=0.1", "garbage"];

    private static readonly string[] ContentTypes =
        ["application/json", "text/json", "application/json; charset=\"UTF-8\"", "application/merge-patch+json", "text/html", ""];

    private static readonly string[] Hosts = ["evil.example", "localhost:1", "[::1]", "xn--80ak6aa92e.com"];

    private static readonly string[] OddCharacters =
        ["+", "-", " ", "%", "%00", "%2F", "{", "}", "(", ")", "\t", "é", "😀", "=", "==", "/", "..", "0", "g", "Z", "_"];

    private const string ScheduleName = "Nightly";

    private const string SignalName = "approved";

    /// <summary>Signal payloads, good and bad: objects, other JSON, broken JSON and UTF-8, deep nesting, duplicates, a BOM.</summary>
    private static readonly byte[][] SignalBodies =
    [
        "{}"u8.ToArray(), "{\"ok\":true}"u8.ToArray(), "[]"u8.ToArray(), "null"u8.ToArray(), "\"approved\""u8.ToArray(), "{"u8.ToArray(),
        "{\"a\":1,\"a\":2}"u8.ToArray(), "{\"s\":\"\\ud800\"}"u8.ToArray(), [0x7B, 0xC3, 0x28, 0x7D], [0xEF, 0xBB, 0xBF, 0x7B, 0x7D],
        System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200)),
        System.Text.Encoding.UTF8.GetBytes("{\"big\":\"" + new string('x', 1_100_000) + "\"}"),
        "{\"\u0000\":\"\u0000\",\"😀\":\"é\"}"u8.ToArray(),
    ];

    private FuzzRun _run = null!;
    private HostedApi _api = null!;
    private readonly List<string> _ids = [];
    private readonly List<string> _cursors = [];

    [OneTimeSetUp]
    public async Task StartHost()
    {
        _run = FuzzRun.Choose(nameof(RequestFuzzTests));
        _api = await HostedApi.StartAsync(new Dictionary<string, string?>
        {
            ["GoFlow:Roles"] = "Api",
            [$"Schedules:{ScheduleName}:Workflow"] = "OrderProcess",
            [$"Schedules:{ScheduleName}:Cron"] = "0 2 * * *",
            ["Workflows:Approval:Tasks:0"] = "AwaitApproval",
            ["Workflows:Approval:Signals:AwaitApproval:Name"] = SignalName,
            ["Workflows:Approval:Signals:AwaitApproval:Timeout"] = "01:00:00",
        });
        for (var index = 0; index < 9; index++)
        {
            _ids.Add((await _api.Client.StartAsync((index % 3) switch { 0 => "OrderProcess", 1 => "UserOnboarding", _ => "Approval" }, """{"n": 1}""")).Id());
        }

        // Real cursors: every next_cursor of a walk through the list two at a time, and of a filtered walk.
        foreach (var filter in new[] { "limit=2", "limit=1&workflow_name=OrderProcess", "limit=1&status=PENDING" })
        {
            var page = await _api.Client.ListAsync(filter);
            while (page["next_cursor"]?.GetValue<string>() is { } cursor)
            {
                _cursors.Add(cursor);
                page = await _api.Client.ListAsync($"{filter}&cursor={cursor}");
            }
        }

        Assert.That(_cursors, Is.Not.Empty);
    }

    [OneTimeTearDown]
    public async Task StopHost() => await _api.DisposeAsync();

    [Test]
    public async Task Requests_SeededMutationsOfRealRequests_NeverAnswer5xxAndAlwaysAnswerProblemsForErrors()
    {
        var random = new Random(_run.Seed);
        var answers = new Dictionary<int, int>();
        for (var index = 0; index < RequestsPerRun * _run.Scale; index++)
        {
            using var request = Next(random);
            var sent = $"{request.Method} {request.RequestUri} [{string.Join("; ", request.Headers.Select(h => $"{h.Key}: {string.Join(",", h.Value)}"))}]";
            using var response = await _api.Client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            answers[status] = answers.GetValueOrDefault(status) + 1;
            var context = $"seed {_run.Seed}, request {index}: {sent}\nanswer {status}: {(text.Length > 400 ? text[..400] : text)}";

            Assert.That(status, Is.LessThan(500), context);
            HttpJson.AssertNoInternals(text);
            if (status >= 400 && request.Method != HttpMethod.Head)
            {
                Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo(HttpJson.ProblemContentType), context);
                Assert.That(JsonNode.Parse(text)?["status"]?.GetValue<int>(), Is.EqualTo(status), context);
                Assert.That(JsonNode.Parse(text)?["type"]?.GetValue<string>(),
                    Is.Not.Null.And.EqualTo(GoFlow.Adapters.Http.Problems.ProblemTypes.ByStatus.GetValueOrDefault(status)), context);
            }

            if (status == 405)
            {
                Assert.That(response.Content.Headers.Allow, Is.Not.Empty, context);
            }
        }

        TestContext.Progress.WriteLine(
            $"RequestFuzzTests: {RequestsPerRun * _run.Scale} requests; " +
            string.Join(", ", answers.OrderBy(answer => answer.Key).Select(answer => $"{answer.Key}: {answer.Value}")));
    }

    private HttpRequestMessage Next(Random random)
    {
        var id = Pick(random, _ids);
        if (random.Next(13) >= 11)
        {
            return NextSignal(random, id);
        }

        var (method, path) = random.Next(11) switch
        {
            < 3 => (random.Next(4) == 0 ? "HEAD" : "GET", $"/workflows?cursor={Uri.EscapeDataString(Mutate(random, Pick(random, _cursors)))}{Query(random)}"),
            < 5 => (Pick(random, ["GET", "HEAD", "GET"]), $"/workflows/{Uri.EscapeDataString(Mutate(random, id))}{Pick(random, ["", "/activity"])}"),
            < 6 => ("POST", $"/workflows/{Uri.EscapeDataString(Mutate(random, id))}/{Pick(random, ["cancel", "retry"])}"),
            < 8 => (Pick(random, ["GET", "HEAD"]), $"/workflows?{Query(random).TrimStart('&')}"),
            < 9 => (Pick(random, ["POST", "POST", "GET", "DELETE"]),
                $"/schedules/{Uri.EscapeDataString(Mutate(random, ScheduleName))}/{Pick(random, ["pause", "resume", "trigger", "fire", ""])}"),
            _ => (Pick(random, Methods), Pick(random,
                ["/workflows", $"/workflows/{id}", $"/workflows/{id}/activity", $"/workflows/{id}/cancel", "/workflow-definitions",
                 "/schedules", $"/schedules/{ScheduleName}", $"/schedules/{ScheduleName}/trigger", "/openapi/v1.json", "/health/live", "/health/ready", "/metrics", "/no-such-route", "/workflows/", "//workflows"])),
        };
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        AddHeaders(random, request);
        return request;
    }

    /// <summary>
    /// POST /workflows/{id}/signals/{name}, mostly to a workflow that waits for the name: ids and names mutated, names
    /// huge or odd, payloads from <see cref="SignalBodies"/>, and the headers any request gets.
    /// </summary>
    private static HttpRequestMessage NextSignal(Random random, string id)
    {
        var name = random.Next(5) switch
        {
            0 => new string('n', random.Next(90, 9000)),
            // Escaped, as the in-memory server refuses a raw %00 before the app (Kestrel answers it 400 itself).
            1 => Uri.EscapeDataString(Pick(random, ["%00", "..", "é", "😀", "approved/..", "approved ", "APPROVED", "approved.", "a\tb"])),
            _ => Uri.EscapeDataString(Mutate(random, SignalName)),
        };
        var request = new HttpRequestMessage(HttpMethod.Post, $"/workflows/{Uri.EscapeDataString(Mutate(random, id))}/signals/{name}");
        AddHeaders(random, request);
        request.Content = new ByteArrayContent(SignalBodies[random.Next(SignalBodies.Length)]);
        request.Content.Headers.TryAddWithoutValidation("Content-Type", random.Next(4) == 0 ? Pick(random, ContentTypes) : "application/json");
        AddContentEncoding(random, request.Content);
        return request;
    }

    /// <summary>Now and then a Content-Encoding: GoFlow decodes none, so any but identity is a 415.</summary>
    private static void AddContentEncoding(Random random, HttpContent content)
    {
        if (random.Next(6) == 0)
        {
            content.Headers.TryAddWithoutValidation("Content-Encoding", Pick(random, ["gzip", "identity", "br, gzip", "IDENTITY", "", "x-garbage"]));
        }
    }

    /// <summary>A few list parameters, valid or not, some of them repeated.</summary>
    private string Query(Random random)
    {
        var query = new StringBuilder();
        for (var count = random.Next(0, 4); count > 0; count--)
        {
            var (name, value) = random.Next(6) switch
            {
                0 => ("status", Pick(random, ["PENDING", "pending", "RUNNING", "", "PENDING,RUNNING"])),
                1 => ("workflow_name", Pick(random, ["OrderProcess", "UserOnboarding", "", new string('n', 300), "%"])),
                2 => ("limit", Pick(random, ["1", "500", "501", "0", "-1", "1e3", " 5", "99999999999"])),
                3 => (Pick(random, ["created_after", "created_before"]), Pick(random, ["2025-01-02T03:04:05Z", "2025-01-02", "9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00Z"])),
                4 => ("cursor", Mutate(random, Pick(random, _cursors))),
                _ => (Pick(random, ["Status", "unknown", "workflow_name[]", ""]), "x"),
            };
            query.Append('&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return query.ToString();
    }

    private static void AddHeaders(Random random, HttpRequestMessage request)
    {
        if (random.Next(2) == 0)
        {
            request.Headers.TryAddWithoutValidation("Accept", Pick(random, Accepts));
        }

        if (random.Next(4) == 0)
        {
            request.Headers.TryAddWithoutValidation("Host", Pick(random, Hosts));
        }

        if (random.Next(4) == 0)
        {
            for (var count = random.Next(1, 3); count > 0; count--)
            {
                request.Headers.TryAddWithoutValidation("Idempotency-Key", Pick(random, ["k", "", new string('k', 300), "a,b", "é"]));
            }
        }

        if (random.Next(4) == 0)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(Pick(random, ["{}", "", "{\"workflow_name\":\"OrderProcess\"}", "[", "null"])));
            request.Content.Headers.TryAddWithoutValidation("Content-Type", Pick(random, ContentTypes));
            AddContentEncoding(random, request.Content);
        }

        if (random.Next(6) == 0)
        {
            // Conditional, range and negotiation headers GoFlow does not act on: they must change no answer into an error.
            request.Headers.TryAddWithoutValidation(
                Pick(random, ["If-None-Match", "If-Match", "If-Modified-Since", "Range", "Accept-Charset", "Accept-Encoding", "Accept-Language"]),
                Pick(random, ["*", "\"x\"", "W/\"x\", \"y\"", "bytes=0-1", "bytes=5-1", "iso-8859-1", "gzip;q=0, identity;q=0", "Thu, 01 Jan 1970 00:00:00 GMT", "é", ""]));
        }

        if (random.Next(6) == 0)
        {
            // A browser's word on where the request comes from: a change from another site is a 403 problem.
            request.Headers.TryAddWithoutValidation(
                Pick(random, ["Origin", "Sec-Fetch-Site"]),
                Pick(random, ["https://evil.example", "null", "http://localhost", "cross-site", "same-origin", "same-site", "none", ""]));
        }

        if (random.Next(8) == 0)
        {
            request.Headers.TryAddWithoutValidation("Authorization", Pick(random, ["Bearer x", "Basic Zm9vOmJhcg==", "Bearer"]));
        }
    }

    /// <summary>A real value changed in one to three places: a character replaced, inserted, dropped, its case flipped, or cut.</summary>
    private static string Mutate(Random random, string value)
    {
        if (random.Next(8) == 0)
        {
            return value;
        }

        var text = new StringBuilder(value);
        for (var count = random.Next(1, 4); count > 0 && text.Length > 0; count--)
        {
            var at = random.Next(text.Length);
            switch (random.Next(6))
            {
                case 0:
                    text[at] = char.IsUpper(text[at]) ? char.ToLowerInvariant(text[at]) : char.ToUpperInvariant(text[at]);
                    break;
                case 1:
                    text.Remove(at, 1).Insert(at, Pick(random, OddCharacters));
                    break;
                case 2:
                    text.Insert(at, Pick(random, OddCharacters));
                    break;
                case 3:
                    text.Remove(at, 1);
                    break;
                case 4:
                    text.Length = at;
                    break;
                default:
                    // The last character with other padding bits, for a cursor; another hex digit, for an id.
                    text[^1] = (char)(text[^1] + random.Next(1, 4));
                    break;
            }
        }

        return text.ToString();
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
