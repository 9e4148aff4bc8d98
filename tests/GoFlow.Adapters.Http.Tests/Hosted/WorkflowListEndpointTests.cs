using System.Globalization;
using System.Text.Json.Nodes;
using GoFlow.Adapters.Http.Tests.Support;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>
/// GET /workflows through the real host on each store: keyset pages followed to the end, the filters, and every bad
/// query value answered 400. The host runs no worker, so every workflow stays in the status the test gave it.
/// </summary>
[TestFixture(Store.MySql)]
[TestFixture(Store.Sqlite)]
public sealed class WorkflowListEndpointTests(Store kind)
{
    private const int PageSize = 50;

    private TestStore _store = null!;
    private TestHost _api = null!;

    [OneTimeSetUp]
    public async Task StartHost()
    {
        _store = await TestStore.CreateAsync(kind);
        _api = await TestHost.StartAsync(_store, TestHost.ApiOnly);
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        await _api.DisposeAsync();
        await _store.DisposeAsync();
    }

    [Test]
    public async Task ListWorkflows_FollowingNextCursorToTheEnd_ListsEveryWorkflowOnceNewestFirst()
    {
        // At least 120 of its own, and a total that does not fill the last page, so that the last page is a short one
        // whatever the other tests of this fixture stored before.
        var existing = await _store.CountAsync("SELECT COUNT(*) FROM workflow_instances");
        var toCreate = (existing + 120) % PageSize == 0 ? 121 : 120;
        var created = new List<string>();
        for (var i = 0; i < toCreate; i++)
        {
            var workflow = await _api.Client.StartAsync(
                i % 2 == 0 ? "OrderProcess" : "UserOnboarding", $$"""{"order_id": "P-{{i}}", "amount": 1}""");
            created.Add(workflow.Id());
        }

        var total = await _store.CountAsync("SELECT COUNT(*) FROM workflow_instances");

        var pages = new List<JsonObject>();
        string? cursor = null;
        do
        {
            var query = $"limit={PageSize}" + (cursor is null ? string.Empty : $"&cursor={Uri.EscapeDataString(cursor)}");
            var page = await _api.Client.ListAsync(query);
            pages.Add(page);
            cursor = page["next_cursor"]?.GetValue<string>();
            Assert.That(pages, Has.Count.LessThanOrEqualTo(total), "the cursors must come to an end");
        }
        while (cursor is not null);

        var listed = pages.SelectMany(page => page["data"]!.AsArray()).Select(workflow => workflow!.AsObject()).ToList();
        var ids = listed.Select(workflow => workflow.Id()).ToList();
        var expectedOrder = listed
            .OrderByDescending(workflow => CreatedAt(workflow))
            .ThenByDescending(workflow => workflow.Id(), StringComparer.Ordinal)
            .Select(workflow => workflow.Id());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(pages, Has.Count.EqualTo((int)Math.Ceiling(total / (double)PageSize)));
            Assert.That(pages.SkipLast(1).Select(page => page["data"]!.AsArray().Count), Is.All.EqualTo(PageSize));
            Assert.That(pages[^1]["data"]!.AsArray(), Has.Count.EqualTo(total % PageSize));
            Assert.That(pages[^1].ContainsKey("next_cursor"), Is.True, "next_cursor is written as null, not left out");
            Assert.That(ids, Is.Unique);
            Assert.That(ids, Has.Count.EqualTo(total));
            Assert.That(ids, Is.SupersetOf(created));
            Assert.That(ids, Is.EqualTo(expectedOrder), "newest first, by creation time then id");
            Assert.That(listed[0].Select(property => property.Key), Is.EqualTo(
                new[] { "id", "workflow_name", "status", "current_input", "created_at", "updated_at" }));
        }
    }

    [Test]
    public async Task ListWorkflows_StatusAndNameFilters_ListOnlyTheMatchingWorkflows()
    {
        var order1 = await _api.Client.StartAsync("OrderProcess");
        var user1 = await _api.Client.StartAsync("UserOnboarding");
        var order2 = await _api.Client.StartAsync("OrderProcess");
        var user2 = await _api.Client.StartAsync("UserOnboarding");
        await CancelAsync(order2.Id());
        await CancelAsync(user2.Id());

        var cancelled = await ListAllAsync("status=CANCELLED");
        var onboarding = await ListAllAsync("workflow_name=UserOnboarding");
        var pendingOrders = await ListAllAsync("status=PENDING&workflow_name=OrderProcess");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(cancelled.Select(workflow => workflow.Status()), Is.All.EqualTo("CANCELLED"));
            Assert.That(Ids(cancelled), Is.SupersetOf(new[] { order2.Id(), user2.Id() }));
            Assert.That(Ids(cancelled), Does.Not.Contain(order1.Id()).And.Not.Contain(user1.Id()));

            Assert.That(onboarding.Select(workflow => workflow["workflow_name"]!.GetValue<string>()), Is.All.EqualTo("UserOnboarding"));
            Assert.That(Ids(onboarding), Is.SupersetOf(new[] { user1.Id(), user2.Id() }));
            Assert.That(Ids(onboarding), Does.Not.Contain(order1.Id()).And.Not.Contain(order2.Id()));

            Assert.That(pendingOrders.Select(workflow => (workflow.Status(), workflow["workflow_name"]!.GetValue<string>())),
                Is.All.EqualTo(("PENDING", "OrderProcess")));
            Assert.That(Ids(pendingOrders), Does.Contain(order1.Id()));
            Assert.That(Ids(pendingOrders), Does.Not.Contain(order2.Id()).And.Not.Contain(user1.Id()));
        }
    }

    [Test]
    public async Task ListWorkflows_CreatedRange_ListsOnlyWorkflowsCreatedStrictlyInsideIt()
    {
        var first = await _api.Client.StartAsync("OrderProcess");
        var second = await _api.Client.StartAsync("UserOnboarding");
        var third = await _api.Client.StartAsync("OrderProcess");
        var fourth = await _api.Client.StartAsync("UserOnboarding");
        var after = first["created_at"]!.GetValue<string>();
        var before = fourth["created_at"]!.GetValue<string>();

        // The same instants with an offset other than Z, sent with the '+' escaped as a query string needs it.
        var afterWithOffset = CreatedAt(first).ToOffset(TimeSpan.FromHours(2)).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture);
        var beforeWithOffset = CreatedAt(fourth).ToOffset(TimeSpan.FromHours(-5)).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture);

        var inRange = await ListAllAsync($"created_after={after}&created_before={before}");
        var inRangeWithOffsets = await ListAllAsync(
            $"created_after={Uri.EscapeDataString(afterWithOffset)}&created_before={Uri.EscapeDataString(beforeWithOffset)}");
        var fromSecond = await ListAllAsync($"created_after={after}");

        using (Assert.EnterMultipleScope())
        {
            // The tests of a fixture run one at a time: nothing else was created between the first and the fourth.
            Assert.That(Ids(inRange), Is.EqualTo(new[] { third.Id(), second.Id() }));
            Assert.That(Ids(inRangeWithOffsets), Is.EqualTo(new[] { third.Id(), second.Id() }));
            Assert.That(Ids(fromSecond), Is.EqualTo(new[] { fourth.Id(), third.Id(), second.Id() }));
        }
    }

    [TestCase("status=pending", "status")]
    [TestCase("status=DONE", "status")]
    [TestCase("status=", "status")]
    [TestCase("workflow_name=", "workflow_name")]
    [TestCase("limit=0", "limit")]
    [TestCase("limit=501", "limit")]
    [TestCase("limit=-1", "limit")]
    [TestCase("limit=ten", "limit")]
    [TestCase("limit=99999999999", "limit")]
    [TestCase("created_after=yesterday", "created_after")]
    [TestCase("created_after=2025-01-02T03:04:05", "created_after")]
    [TestCase("created_after=2025-01-02", "created_after")]
    [TestCase("created_after=2025-13-02T03:04:05Z", "created_after")]
    [TestCase("created_before=2025-01-02T03:04:05+01:00", "created_before")]
    [TestCase("cursor=not-a-cursor", "cursor")]
    [TestCase("cursor=", "cursor")]
    [TestCase("cursor=AQjfSyy0HB84AaIUPirEex6YRx6fwN-5_n7si2Y%3D", "cursor")]
    public async Task ListWorkflows_BadQueryValue_Answers400NamingTheParameter(string query, string parameter)
    {
        using var response = await _api.Client.GetAsync($"/workflows?{query}");

        var problem = await HttpJson.ReadProblemAsync(response, 400);
        Assert.That(problem["errors"]?[parameter]?.AsArray(), Is.Not.Empty, problem.ToJsonString());
    }

    [Test]
    public async Task ListWorkflows_CursorChangedByOneCharacter_Answers400()
    {
        await _api.Client.StartAsync("OrderProcess");
        await _api.Client.StartAsync("OrderProcess");
        var cursor = (await _api.Client.ListAsync("limit=1"))["next_cursor"]!.GetValue<string>();
        var middle = cursor.Length / 2;
        var tampered = cursor[..middle] + (cursor[middle] == 'A' ? 'B' : 'A') + cursor[(middle + 1)..];

        using var response = await _api.Client.GetAsync($"/workflows?limit=1&cursor={tampered}");

        var problem = await HttpJson.ReadProblemAsync(response, 400);
        Assert.That(problem["errors"]?["cursor"]?.AsArray(), Is.Not.Empty, problem.ToJsonString());
    }

    private async Task CancelAsync(string id)
    {
        using var response = await _api.Client.PostAsync($"/workflows/{id}/cancel", content: null);
        Assert.That((int)response.StatusCode, Is.EqualTo(200), await response.Content.ReadAsStringAsync());
    }

    /// <summary>Every page of the query, followed to the end.</summary>
    private async Task<List<JsonObject>> ListAllAsync(string query)
    {
        var workflows = new List<JsonObject>();
        string? cursor = null;
        do
        {
            var page = await _api.Client.ListAsync(
                $"{query}&limit=500" + (cursor is null ? string.Empty : $"&cursor={Uri.EscapeDataString(cursor)}"));
            workflows.AddRange(page["data"]!.AsArray().Select(workflow => workflow!.AsObject()));
            cursor = page["next_cursor"]?.GetValue<string>();
        }
        while (cursor is not null);

        return workflows;
    }

    private static List<string> Ids(IEnumerable<JsonObject> workflows) => [.. workflows.Select(workflow => workflow.Id())];

    private static DateTimeOffset CreatedAt(JsonObject workflow) =>
        DateTimeOffset.Parse(workflow["created_at"]!.GetValue<string>(), CultureInfo.InvariantCulture);
}
