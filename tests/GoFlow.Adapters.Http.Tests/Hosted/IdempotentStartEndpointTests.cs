using System.Net;
using System.Text.Json.Nodes;
using GoFlow.Adapters.Http.Tests.Support;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>
/// POST /workflows with an Idempotency-Key through the real host on each store: one workflow per key, however often
/// and however concurrently the request is sent.
/// </summary>
[TestFixture(Store.MySql)]
[TestFixture(Store.Sqlite)]
public sealed class IdempotentStartEndpointTests(Store kind)
{
    private const string OrderBody = """{"workflow_name": "OrderProcess", "input_payload": {"order_id": "I-1", "amount": 42}}""";

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
    public async Task StartWorkflow_SameKeyAndBodyTwice_Answers201Then200WithTheSameWorkflow()
    {
        var key = NewKey();

        using var first = await _api.Client.StartWithKeyAsync(key, OrderBody);
        using var second = await _api.Client.StartWithKeyAsync(key, OrderBody);

        var firstBody = await HttpJson.ReadObjectAsync(first);
        var secondBody = await HttpJson.ReadObjectAsync(second);
        var id = firstBody["data"]!.Id();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created), firstBody.ToJsonString());
            Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.OK), secondBody.ToJsonString());
            Assert.That(secondBody["data"]!.Id(), Is.EqualTo(id));
            Assert.That(second.Headers.Location?.OriginalString, Is.EqualTo($"/workflows/{id}"));
            Assert.That(first.Headers.Location?.OriginalString, Is.EqualTo($"/workflows/{id}"));
            Assert.That(secondBody.Select(property => property.Key), Is.EqualTo(firstBody.Select(property => property.Key)));
            Assert.That(secondBody["data"]!.AsObject().Select(property => property.Key),
                Is.EqualTo(firstBody["data"]!.AsObject().Select(property => property.Key)));
            Assert.That(JsonNode.DeepEquals(secondBody["data"]!["current_input"], firstBody["data"]!["current_input"]), Is.True);
            Assert.That(await CountWithKeyAsync(key), Is.EqualTo(1));
        }
    }

    [Test]
    public async Task StartWorkflow_SameKeyDifferentBody_Answers422AndStoresNothing()
    {
        var key = NewKey();
        using (var first = await _api.Client.StartWithKeyAsync(key, OrderBody))
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        }

        var before = await _store.CountAsync("SELECT COUNT(*) FROM workflow_instances");

        using var response = await _api.Client.StartWithKeyAsync(
            key, """{"workflow_name": "OrderProcess", "input_payload": {"order_id": "I-1", "amount": 43}}""");

        var problem = await HttpJson.ReadProblemAsync(response, 422);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(problem["detail"]?.GetValue<string>(), Does.Contain("Idempotency-Key"));
            Assert.That(await _store.CountAsync("SELECT COUNT(*) FROM workflow_instances"), Is.EqualTo(before));
        }
    }

    [Test]
    public async Task StartWorkflow_WithoutKey_StartsANewWorkflowEachTime()
    {
        using var first = await _api.Client.PostAsync("/workflows", HttpJson.Body(OrderBody));
        using var second = await _api.Client.PostAsync("/workflows", HttpJson.Body(OrderBody));

        var firstId = (await HttpJson.ReadObjectAsync(first))["data"]!.Id();
        var secondId = (await HttpJson.ReadObjectAsync(second))["data"]!.Id();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(secondId, Is.Not.EqualTo(firstId));
        }
    }

    [Test]
    public async Task StartWorkflow_FiftyConcurrentRequestsWithOneKey_StoreOneWorkflowAndAllAnswerItsId()
    {
        var key = NewKey();

        // All sent at once: the store's unique index, not a check before the insert, has to keep them to one.
        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            using var response = await _api.Client.StartWithKeyAsync(key, OrderBody);
            var body = await HttpJson.ReadObjectAsync(response);
            return (response.StatusCode, Id: body["data"]?["id"]?.GetValue<string>(), Text: body.ToJsonString());
        }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(answers.Select(answer => answer.StatusCode), Is.All.EqualTo(HttpStatusCode.Created).Or.EqualTo(HttpStatusCode.OK),
                string.Join("\n", answers.Select(answer => answer.Text)));
            Assert.That(answers.Count(answer => answer.StatusCode == HttpStatusCode.Created), Is.EqualTo(1));
            Assert.That(answers.Select(answer => answer.Id).Distinct().ToList(), Has.Count.EqualTo(1));
            Assert.That(answers[0].Id, Is.Not.Null);
            Assert.That(await CountWithKeyAsync(key), Is.EqualTo(1));
            Assert.That(await _store.CountAsync(
                "SELECT COUNT(*) FROM tasks WHERE workflow_instance_id = @id", new { id = answers[0].Id }), Is.EqualTo(1));
        }
    }

    // An empty key is refused the same way, but the in-memory server drops an empty header before the host sees it:
    // WorkflowOperationsApiTests sends one over Kestrel.
    [Test]
    public async Task StartWorkflow_KeyWithAControlCharacter_Answers400NamingItAndStoresNothing()
    {
        var before = await _store.CountAsync("SELECT COUNT(*) FROM workflow_instances");

        using var response = await _api.Client.StartWithKeyAsync("k\u0001ey", OrderBody);

        var problem = await HttpJson.ReadProblemAsync(response, 400);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(problem["errors"]?["idempotency_key"]?.AsArray(), Is.Not.Empty, problem.ToJsonString());
            Assert.That(await _store.CountAsync("SELECT COUNT(*) FROM workflow_instances"), Is.EqualTo(before));
        }
    }

    [Test]
    public async Task StartWorkflow_KeyLongerThan255Characters_Answers400NamingIt()
    {
        using var response = await _api.Client.StartWithKeyAsync(new string('k', 256), OrderBody);

        var problem = await HttpJson.ReadProblemAsync(response, 400);
        Assert.That(problem["errors"]?["idempotency_key"]?.AsArray(), Is.Not.Empty, problem.ToJsonString());
    }

    private static string NewKey() => "key-" + Guid.NewGuid().ToString("N");

    private Task<long> CountWithKeyAsync(string key) =>
        _store.CountAsync("SELECT COUNT(*) FROM workflow_instances WHERE idempotency_key = @key", new { key });
}
