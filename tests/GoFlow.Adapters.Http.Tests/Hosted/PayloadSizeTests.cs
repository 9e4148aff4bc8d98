using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using GoFlow.Adapters.Http.Tests.Support;
using GoFlow.Domain;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>
/// What is stored stays the size that was sent: a payload near the body limit, made of the characters a default JSON
/// encoder escapes into several bytes each (markup, quotes, non-ASCII, an emoji; ADR 0016), runs through every step and
/// is stored and served at about its own size, on both stores; a step whose output is over the stored-output limit
/// fails for good.
/// </summary>
[TestFixture(Store.MySql)]
[TestFixture(Store.Sqlite)]
public sealed class PayloadSizeTests(Store kind)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Room the body needs beyond the payload's note, and the steps' own fields (account_id, role, ...).</summary>
    private const int Headroom = 1024;

    private TestStore _store = null!;
    private TestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost()
    {
        _store = await TestStore.CreateAsync(kind);
        _host = await TestHost.StartAsync(
            _store,
            TestHost.ApiAndWorker,
            new Dictionary<string, string?> { ["Worker:PollInterval"] = "00:00:00.050" });
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        await _host.DisposeAsync();
        await _store.DisposeAsync();
    }

    [TestCase("<")]
    [TestCase("<>&'+é€😀")]
    public async Task Workflow_PayloadNearTheBodyLimitOfFormerlyEscapedCharacters_IsStoredAndServedAtAboutItsOwnSize(string unit)
    {
        var note = Repeat(unit, PayloadLimits.DefaultMaxBytes - Headroom);
        // Written by hand: even the relaxed encoder would escape the emoji. The note needs no escaping in JSON.
        var payload = $$"""{"email":"ada@example.com","note":"{{note}}"}""";
        var payloadBytes = Encoding.UTF8.GetByteCount(payload);
        var id = (await _host.Client.StartAsync("UserOnboarding", payload)).Id();

        await _host.Client.WaitForStatusAsync(id, StatusNames.Completed, Timeout);

        // Every step's input and output, and the workflow's current input: each about the payload's own size.
        var largest = await _store.CountAsync(
            $"SELECT MAX({Bytes("output_payload")}) FROM tasks WHERE workflow_instance_id = @Id", new { Id = id });
        var current = await _store.CountAsync(
            $"SELECT {Bytes("current_input")} FROM workflow_instances WHERE id = @Id", new { Id = id });
        Assert.That(largest, Is.InRange(payloadBytes, payloadBytes + 200), "the largest step output, in bytes");
        Assert.That(current, Is.InRange(payloadBytes, payloadBytes + 200), "the workflow's current input, in bytes");

        // Served: the current input and three steps' input and output, seven copies, and the note as it was sent.
        using var response = await _host.Client.GetAsync($"/workflows/{id}");
        var served = await response.Content.ReadAsByteArrayAsync();
        Assert.That(served.Length, Is.LessThan((7 * payloadBytes) + (8 * 1024)), "GET /workflows/{id}, in bytes");
        var workflow = JsonNode.Parse(served)!["data"]!;
        Assert.That(workflow["current_input"]!["note"]!.GetValue<string>(), Is.EqualTo(note));

        // A page of the largest payloads holds each at its own size too: the bound the README states.
        using var page = await _host.Client.GetAsync("/workflows?limit=500");
        var pageBytes = (await page.Content.ReadAsByteArrayAsync()).Length;
        var listed = JsonNode.Parse(await page.Content.ReadAsStringAsync())!["data"]!.AsArray().Count;
        Assert.That(pageBytes, Is.LessThanOrEqualTo(listed * (PayloadLimits.DefaultMaxBytes + 1024)), "GET /workflows?limit=500, in bytes");
    }

    [Test]
    public async Task Workflow_StepOutputOverTheStoredOutputLimit_FailsForGoodOnItsFirstAttempt()
    {
        // A store of its own: the fixture's worker, with the default limit, must not take the task.
        await using var store = await TestStore.CreateAsync(kind);
        await using var host = await TestHost.StartAsync(
            store,
            TestHost.ApiAndWorker,
            new Dictionary<string, string?>
            {
                ["Worker:PollInterval"] = "00:00:00.050",
                ["Worker:MaxAttempts"] = "3",
                ["StepOutput:MaxBytes"] = "1900",
            });
        // 1,887 bytes in, within the body limit; CreateAccount adds its account id: 1,939 bytes out, over the 1,900 allowed.
        var payload = new JsonObject { ["email"] = "ada@example.com", ["note"] = new string('<', 1850) }.ToJsonString(Unescaped);
        var id = (await host.Client.StartAsync("UserOnboarding", payload)).Id();

        var workflow = await host.Client.WaitForStatusAsync(id, StatusNames.Failed, Timeout);

        var task = workflow["tasks"]!.AsArray().Single()!;
        Assert.That(task["status"]!.GetValue<string>(), Is.EqualTo(StatusNames.Failed));
        Assert.That(task["attempt"]!.GetValue<int>(), Is.EqualTo(1), task.ToJsonString());
        Assert.That(task["error"]!.GetValue<string>(), Does.Contain("StepOutput:MaxBytes"), task.ToJsonString());
    }

    internal static readonly System.Text.Json.JsonSerializerOptions Unescaped =
        new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><paramref name="unit"/> repeated to about <paramref name="bytes"/> UTF-8 bytes.</summary>
    private static string Repeat(string unit, int bytes) =>
        new StringBuilder().Insert(0, unit, bytes / Encoding.UTF8.GetByteCount(unit)).ToString();

    private string Bytes(string column) => kind == Store.MySql ? $"LENGTH({column})" : $"LENGTH(CAST({column} AS BLOB))";
}

/// <summary>
/// MySQL's packet limit (max_allowed_packet, 16 MiB on MariaDB): a step's output that passes the stored-output limit but
/// makes a completion statement the server refuses fails its task for good, instead of running again after every lease.
/// </summary>
public sealed class MySqlPacketLimitTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Test]
    public async Task Workflow_StepOutputTheStoreRefusesAsTooLarge_FailsForGoodInsteadOfRunningAgainAfterEachLease()
    {
        await using var store = await TestStore.CreateAsync(Store.MySql);
        await using var host = await TestHost.StartAsync(
            store,
            TestHost.ApiAndWorker,
            new Dictionary<string, string?>
            {
                ["Worker:PollInterval"] = "00:00:00.050",
                ["Worker:MaxAttempts"] = "3",
                ["Api:MaxRequestBodyBytes"] = PayloadLimits.MaxBytesLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["StepOutput:MaxBytes"] = PayloadLimits.MaxBytesLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
        // Two million quotation marks: 4 MB of JSON ("\"" each), which its escaping as an SQL literal doubles. The start
        // sends it twice and fits MariaDB's 16 MiB packet; the first step's completion sends it three times and does not.
        var payload = new JsonObject { ["email"] = "ada@example.com", ["note"] = new string('"', 2_000_000) }.ToJsonString(PayloadSizeTests.Unescaped);
        var id = (await host.Client.StartAsync("UserOnboarding", payload)).Id();

        var workflow = await host.Client.WaitForStatusAsync(id, StatusNames.Failed, Timeout);

        var task = workflow["tasks"]!.AsArray().Single()!;
        Assert.That(task["attempt"]!.GetValue<int>(), Is.EqualTo(1), "failed for good, not retried");
        Assert.That(task["error"]!.GetValue<string>(), Is.EqualTo("The task's output is too large for the store to record."));
    }
}
