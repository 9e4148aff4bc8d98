using System.Globalization;
using System.Text;
using GoFlow.Adapters.Http.Tests.Support;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>
/// Hostile requests to the dashboard through the real host on the real database: generated paths below /dashboard,
/// query values for its reads and odd headers. None gets a 5xx or shows a server internal, and none changes a row.
/// The seed is printed; set GOFLOW_FUZZ_SEED to replay a run request for request.
/// </summary>
public sealed class DashboardFuzzTests
{
    private const int RequestCount = 600;
    private const string SeedVariable = "GOFLOW_FUZZ_SEED";

    private static readonly string[] Routes =
    [
        "/dashboard", "/dashboard/", "/dashboard/workflows", "/dashboard/start", "/dashboard/workflows/{value}",
        "/dashboard/assets/{value}", "/dashboard/api/overview", "/dashboard/api/definitions", "/dashboard/api/workflows",
        "/dashboard/api/workflows/{value}", "/dashboard/api/search", "/dashboard/{value}", "/dashboard/api/{value}",
    ];

    // The list's own names, the search's, the REST API's limit, and names no route reads: the list refuses those and
    // a repeat of its own (a random pick repeats one now and then).
    private static readonly string[] Parameters =
    [
        "status", "workflow_name", "created_after", "created_before", "cursor", "q", "limit", "STATUS", "statuss", "",
        "%00", "a[b]", "status%5B%5D", "<script>", new string('n', 300),
    ];

    private static readonly string[] HostileValues =
    [
        "", " ", "%00", "\0", "../../../etc/passwd", "..%2f..%2fappsettings.json", "%2e%2e%2f", "<script>alert(1)</script>",
        "' OR '1'='1", "\"; DROP TABLE workflow_instances; --", "PENDING", "pending", "COMPLETED,FAILED", "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.9999999Z", "2030-01-01T00:00:00+14:00", "2030-13-45T99:99:99Z", "-1", "99999999999999999999",
        "NaN", "\u202e\u0000\uffff", "\ud83d\ude00", "app.js", "index.html", "favicon.svg", "APP.JS", "app.js%00.png",
        "01a24395-28ab-7388-8cd6-d7b4cccd9ded", "00000000-0000-0000-0000-000000000000", "{}", "[]", "%", "%zz", "\\",
        "MTIzOjAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAw", "LTE6MDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDA",
    ];

    private int _seed;
    private HostedApi _api = null!;

    [OneTimeSetUp]
    public async Task StartHost()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(SeedVariable);
        _seed = string.IsNullOrEmpty(fromEnvironment) ? Random.Shared.Next() : int.Parse(fromEnvironment, CultureInfo.InvariantCulture);
        TestContext.Progress.WriteLine($"DashboardFuzzTests: seed {_seed}; replay with {SeedVariable}={_seed}");
        _api = await HostedApi.StartAsync(new Dictionary<string, string?> { ["GoFlow:Roles"] = "Api" });
    }

    [OneTimeTearDown]
    public async Task StopHost() => await _api.DisposeAsync();

    [Test]
    public async Task DashboardRoutes_HostilePathsQueriesAndHeaders_NeverAnswer5xxNorChangeARow()
    {
        // A workflow to find, so that some searches and detail reads succeed too.
        using (var start = await _api.Client.PostAsync("/workflows", new StringContent(
                   """{"workflow_name":"OrderProcess","input_payload":{"order_id":"<script>alert(1)</script>"}}""", Encoding.UTF8, "application/json")))
        {
            Assert.That((int)start.StatusCode, Is.EqualTo(201));
        }

        var rowsBefore = await _api.CountRowsAsync();
        var random = new Random(_seed);
        var answers = new SortedDictionary<int, int>();

        for (var index = 0; index < RequestCount; index++)
        {
            using var request = NextRequest(random);
            var described = $"seed {_seed}, request {index}: {request.Method} {request.RequestUri} {string.Join("; ", request.Headers.Select(header => header.Key))}";
            using var response = await _api.Client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            answers[status] = answers.GetValueOrDefault(status) + 1;

            Assert.That(status, Is.LessThan(500), $"{described}\n{text}");
            foreach (var marker in new[] { "   at ", "Exception", "MySqlConnector", "Password=", _api.Database.Name })
            {
                Assert.That(text, Does.Not.Contain(marker), described);
            }

            // An error is a problem with its status's type, whatever the request accepted (text/html included).
            if (status >= 400 && request.Method != HttpMethod.Head)
            {
                Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo(HttpJson.ProblemContentType), $"{described}\n{text}");
                Assert.That(System.Text.Json.Nodes.JsonNode.Parse(text)?["type"]?.GetValue<string>(),
                    Is.Not.Null.And.EqualTo(GoFlow.Adapters.Http.Problems.ProblemTypes.ByStatus.GetValueOrDefault(status)), $"{described}\n{text}");
            }
        }

        TestContext.Progress.WriteLine($"DashboardFuzzTests: {RequestCount} requests; " +
            string.Join(", ", answers.Select(answer => $"{answer.Key}: {answer.Value}")));
        Assert.That(await _api.CountRowsAsync(), Is.EqualTo(rowsBefore), "reads change nothing");
        Assert.That(answers.Keys, Has.Member(200), "some requests were served, not only refused");
    }

    [TestCase("statuss=FAILED", "statuss", TestName = "List_MisspeltFilter_IsAProblemNamingIt")]
    [TestCase("status=FAILED&limit=5", "limit", TestName = "List_TheRestApisLimit_IsAProblemNamingIt")]
    [TestCase("workflow_name=OrderProcess&workflow_name=Other", "workflow_name", TestName = "List_RepeatedFilter_IsAProblemNamingIt")]
    public async Task List_UnknownOrRepeatedParameter_IsAProblemNamingIt(string query, string parameter)
    {
        using var response = await _api.Client.GetAsync("/dashboard/api/workflows?" + query);

        var text = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(400), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo(HttpJson.ProblemContentType));
        Assert.That(System.Text.Json.Nodes.JsonNode.Parse(text)?["errors"]?[parameter], Is.Not.Null, text);
    }

    [Test]
    public async Task List_KnownFiltersInAnotherCase_AreRead()
    {
        using var response = await _api.Client.GetAsync("/dashboard/api/workflows?Status=FAILED&WORKFLOW_NAME=OrderProcess");

        Assert.That((int)response.StatusCode, Is.EqualTo(200), await response.Content.ReadAsStringAsync());
    }

    private static HttpRequestMessage NextRequest(Random random)
    {
        // A NUL in the path is left out: Kestrel refuses it with 400 before any middleware, but the in-memory server
        // this test runs on throws instead, which would test the test server, not GoFlow.
        var segment = Uri.EscapeDataString(Value(random).Replace("\0", "", StringComparison.Ordinal));
        var route = Routes[random.Next(Routes.Length)].Replace("{value}", segment, StringComparison.Ordinal);
        var query = new StringBuilder();
        for (var count = random.Next(4); count > 0; count--)
        {
            query.Append(query.Length == 0 ? '?' : '&')
                .Append(Parameters[random.Next(Parameters.Length)])
                .Append('=')
                // Sometimes raw (percent signs and all), mostly escaped as a browser would.
                .Append(random.Next(4) == 0 ? Value(random).Replace("&", "", StringComparison.Ordinal).Replace("#", "", StringComparison.Ordinal) : Uri.EscapeDataString(Value(random)));
        }

        var method = random.Next(10) switch
        {
            0 => HttpMethod.Post,
            1 => HttpMethod.Head,
            2 => HttpMethod.Delete,
            _ => HttpMethod.Get,
        };
        var request = new HttpRequestMessage(method, route + query);
        switch (random.Next(6))
        {
            case 0:
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Value(random));
                break;
            case 1:
                request.Headers.TryAddWithoutValidation("Accept", random.Next(2) == 0 ? "text/html" : "*/*;q=abc");
                break;
            case 2:
                request.Headers.TryAddWithoutValidation("If-None-Match", Value(random));
                break;
            case 3:
                request.Headers.TryAddWithoutValidation("Cookie", "goflow=" + Uri.EscapeDataString(Value(random)));
                break;
        }

        return request;
    }

    private static string Value(Random random) => random.Next(5) switch
    {
        0 => new string((char)random.Next(0x20, 0x7f), random.Next(0, 400)),
        1 => string.Concat(Enumerable.Range(0, random.Next(1, 40)).Select(_ => (char)random.Next(0x20, 0xd7ff))),
        _ => HostileValues[random.Next(HostileValues.Length)],
    };
}
