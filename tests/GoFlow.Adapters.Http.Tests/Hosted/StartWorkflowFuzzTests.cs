using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GoFlow.Adapters.Http.Tests.Support;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>
/// Generated POST /workflows bodies through the real host against the real database: none gets a 5xx, each gets the
/// answer its kind calls for, and afterwards the database holds exactly the accepted workflows, each whole and with
/// the payload as sent. The test command runs a fixed seed; GOFLOW_FUZZ_LONG=1 runs ten times as many bodies from a
/// random seed, printed, and GOFLOW_FUZZ_SEED replays a run body for body (see <see cref="FuzzRun"/>).
/// </summary>
public sealed class StartWorkflowFuzzTests
{
    private const int BodiesPerRun = 1_200;

    private int _seed;
    private int _bodyCount;
    private HostedApi _api = null!;

    [OneTimeSetUp]
    public async Task StartHost()
    {
        var run = FuzzRun.Choose(nameof(StartWorkflowFuzzTests));
        _seed = run.Seed;
        _bodyCount = BodiesPerRun * run.Scale;

        // API only: without the worker, every accepted workflow stays as it was stored, so it can be checked exactly.
        _api = await HostedApi.StartAsync(new Dictionary<string, string?> { ["GoFlow:Roles"] = "Api" });
    }

    [OneTimeTearDown]
    public async Task StopHost() => await _api.DisposeAsync();

    [Test]
    public async Task PostWorkflows_GeneratedBodies_NeverAnswer5xxAndStoreExactlyTheAcceptedOnes()
    {
        var generator = new StartBodyGenerator(new Random(_seed), new ApiOptions());
        var accepted = new Dictionary<Guid, string>();
        var answers = new Dictionary<string, int>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();

        for (var index = 0; index < _bodyCount; index++)
        {
            var body = generator.Next();
            using var request = body.ToRequest();
            using var response = await _api.Client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            var kind = body.Kind.Split(':')[0];
            answers[$"{kind} {status}"] = answers.GetValueOrDefault($"{kind} {status}") + 1;

            var context = $"seed {_seed}, body {index} ({body.Kind}, expected {body.Expected}): {body.Preview()}\n" +
                $"answer {status}: {Shorten(text)}";
            Assert.That(status, Is.AnyOf(201, 400, 413, 415), context);
            if (body.Expected != FuzzExpectation.Either)
            {
                Assert.That(status == 201 ? FuzzExpectation.Created : FuzzExpectation.Refused, Is.EqualTo(body.Expected), context);
            }

            AssertNoServerInternals(text, context);

            if (status == 201)
            {
                var data = JsonNode.Parse(text)!["data"]!;
                var sent = SentPayload(body.Bytes);
                Assert.That(JsonNode.DeepEquals(data["current_input"], JsonNode.Parse(sent)), Is.True, context);
                accepted.Add(Guid.Parse(data["id"]!.GetValue<string>()), sent);
            }
            else
            {
                Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo(HttpJson.ProblemContentType), context);
                Assert.That(JsonNode.Parse(text)?["status"]?.GetValue<int>(), Is.EqualTo(status), context);
                Assert.That(JsonNode.Parse(text)?["type"]?.GetValue<string>(),
                    Is.Not.Null.And.EqualTo(GoFlow.Adapters.Http.Problems.ProblemTypes.ByStatus.GetValueOrDefault(status)), context);
            }
        }

        TestContext.Progress.WriteLine(
            $"StartWorkflowFuzzTests: {_bodyCount} bodies in {clock.Elapsed.TotalSeconds:0.0}s, {accepted.Count} accepted; " +
            string.Join(", ", answers.OrderBy(answer => answer.Key, StringComparer.Ordinal).Select(answer => $"{answer.Key}: {answer.Value}")));
        Assert.That(accepted, Has.Count.GreaterThan(_bodyCount / 4), $"seed {_seed}: too few bodies were valid to check storage");

        await AssertStoredExactlyAsync(accepted);
        await AssertReadBackAsSentAsync(accepted);
    }

    /// <summary>Every accepted workflow and nothing else: one PENDING task holding the payload, one WORKFLOW_CREATED row.</summary>
    private async Task AssertStoredExactlyAsync(Dictionary<Guid, string> accepted)
    {
        var rows = await _api.Database.QueryAsync<StoredWorkflow>(
            """
            SELECT w.id AS Id, w.status AS Status, w.current_input AS CurrentInput,
                   (SELECT COUNT(*) FROM tasks t WHERE t.workflow_instance_id = w.id) AS Tasks,
                   (SELECT t.input_payload FROM tasks t WHERE t.workflow_instance_id = w.id AND t.step_index = 0) AS FirstTaskInput,
                   (SELECT t.status FROM tasks t WHERE t.workflow_instance_id = w.id AND t.step_index = 0) AS FirstTaskStatus,
                   (SELECT COUNT(*) FROM activity_logs a WHERE a.workflow_instance_id = w.id) AS ActivityRows,
                   (SELECT COUNT(*) FROM activity_logs a
                     WHERE a.workflow_instance_id = w.id AND a.action = 'WORKFLOW_CREATED' AND a.task_id IS NULL) AS CreatedRows
            FROM workflow_instances w
            """);
        var counts = await _api.CountRowsAsync();

        Assert.That(rows.Select(row => row.Id), Is.EquivalentTo(accepted.Keys), $"seed {_seed}: the stored workflows");
        Assert.That(counts, Is.EqualTo(new StoredRows(accepted.Count, accepted.Count, accepted.Count)),
            $"seed {_seed}: a task or activity row without its workflow");
        foreach (var row in rows)
        {
            var sent = accepted[row.Id];
            var context = $"seed {_seed}, workflow {row.Id}, sent {Shorten(sent)}";
            using (Assert.EnterMultipleScope())
            {
                Assert.That(row.Status, Is.EqualTo("PENDING"), context);
                Assert.That(row.Tasks, Is.EqualTo(1), context);
                Assert.That(row.FirstTaskStatus, Is.EqualTo("PENDING"), context);
                Assert.That(row.ActivityRows, Is.EqualTo(1), context);
                Assert.That(row.CreatedRows, Is.EqualTo(1), context);
                AssertSameJson(row.CurrentInput, sent, context + " (current_input)");
                AssertSameJson(row.FirstTaskInput, sent, context + " (first task input)");
            }
        }
    }

    /// <summary>GET /workflows/{id} answers each payload as it was sent.</summary>
    private async Task AssertReadBackAsSentAsync(Dictionary<Guid, string> accepted)
    {
        foreach (var (id, sent) in accepted)
        {
            using var response = await _api.Client.GetAsync($"/workflows/{id}");
            var text = await response.Content.ReadAsStringAsync();
            var context = $"seed {_seed}, GET /workflows/{id}: {Shorten(text)}; sent {Shorten(sent)}";
            Assert.That((int)response.StatusCode, Is.EqualTo(200), context);
            var data = JsonNode.Parse(text)!["data"]!;
            AssertSameJson(data["current_input"]!.ToJsonString(), sent, context);
            AssertSameJson(data["tasks"]![0]!["input_payload"]!.ToJsonString(), sent, context);
        }
    }

    /// <summary>
    /// The same JSON value, and every string in it (names and values, SQL and markup included) the same character for
    /// character: compared as a sorted list too, so that a server that reorders keys (MySQL) still passes.
    /// </summary>
    private static void AssertSameJson(string? actual, string expected, string context)
    {
        Assert.That(actual, Is.Not.Null, context);
        var actualNode = JsonNode.Parse(actual!);
        var expectedNode = JsonNode.Parse(expected);
        Assert.That(JsonNode.DeepEquals(actualNode, expectedNode), Is.True, $"{context}; read {Shorten(actual!)}");
        Assert.That(Strings(actualNode).Order(StringComparer.Ordinal), Is.EqualTo(Strings(expectedNode).Order(StringComparer.Ordinal)), context);
    }

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject item => item.SelectMany(member => Strings(member.Value).Prepend(member.Key)),
        JsonArray items => items.SelectMany(Strings),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => [value.GetValue<string>()],
        _ => [],
    };

    /// <summary>What the body's input_payload was, as text ({} when left out): what the workflow must hold.</summary>
    private static string SentPayload(byte[] body)
    {
        var text = body.AsSpan();
        if (text.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            text = text[3..];
        }

        var reader = new Utf8JsonReader(text);
        using var document = JsonDocument.ParseValue(ref reader);
        return document.RootElement.TryGetProperty("input_payload", out var payload) ? payload.GetRawText() : "{}";
    }

    /// <summary>
    /// Nothing only the server knows: a stack frame, an exception or driver name, the database's name, a connection
    /// string. (Client text such as SQL may be echoed back in an error, so it is not a sign of a leak here.)
    /// </summary>
    private void AssertNoServerInternals(string text, string context)
    {
        string[] internals =
        [
            "   at ", "at GoFlow.", "at Microsoft.", "at System.", "Exception", "MySqlConnector", "MySql.", _api.Database.Name,
            "Password=", "User ID=", "Server=", "stackTrace",
        ];
        foreach (var marker in internals)
        {
            Assert.That(text, Does.Not.Contain(marker), context);
        }
    }

    private static string Shorten(string text) => text.Length <= 400 ? text : $"{text[..400]}... ({text.Length} characters)";

    private sealed record StoredWorkflow(
        Guid Id,
        string Status,
        string CurrentInput,
        long Tasks,
        string? FirstTaskInput,
        string? FirstTaskStatus,
        long ActivityRows,
        long CreatedRows);
}
