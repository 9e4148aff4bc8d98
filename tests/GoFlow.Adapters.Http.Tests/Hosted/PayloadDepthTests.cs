using System.Net;
using System.Text.Json.Nodes;
using GoFlow.Adapters.Http.Tests.Support;
using MySqlConnector;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>
/// <see cref="ApiOptions.MaxPayloadDepth"/>'s default against the real database: the deepest payload it lets through
/// is stored and read back, and one level more is what MariaDB would refuse, so the limit is neither loose nor tight.
/// </summary>
public sealed class PayloadDepthTests
{
    private static readonly int DefaultDepth = new ApiOptions().MaxPayloadDepth;

    private HostedApi _api = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _api = await HostedApi.StartAsync(new Dictionary<string, string?> { ["GoFlow:Roles"] = "Api" });

    [OneTimeTearDown]
    public async Task StopHost() => await _api.DisposeAsync();

    [TestCase(false, TestName = "PostWorkflows_ObjectsNestedToTheDefaultLimit_AreStoredAndReadBackAsSent")]
    [TestCase(true, TestName = "PostWorkflows_ArraysNestedToTheDefaultLimit_AreStoredAndReadBackAsSent")]
    public async Task PostWorkflows_PayloadNestedToTheDefaultLimit_IsStoredAndReadBackAsSent(bool arrays)
    {
        var payload = arrays ? JsonText.NestedArrays(DefaultDepth) : JsonText.NestedObjects(DefaultDepth);

        using var response = await _api.Client.PostAsync(
            "/workflows", HttpJson.Body($$"""{"workflow_name": "OrderProcess", "input_payload": {{payload}}}"""));

        var created = await HttpJson.ReadObjectAsync(response);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), created.ToJsonString());
        var id = created["data"]!["id"]!.GetValue<string>();
        var stored = await _api.Database.ExecuteScalarAsync<string>(
            "SELECT current_input FROM workflow_instances WHERE id = @Id", new { Id = id });
        using var read = await _api.Client.GetAsync($"/workflows/{id}");
        var data = (await HttpJson.ReadObjectAsync(read))["data"]!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(stored, Is.EqualTo(payload), "MariaDB keeps the text as sent");
            Assert.That(JsonNode.DeepEquals(data["current_input"], JsonNode.Parse(payload)), Is.True);
            Assert.That(JsonNode.DeepEquals(data["tasks"]![0]!["input_payload"], JsonNode.Parse(payload)), Is.True);
        }
    }

    [Test]
    public async Task PostWorkflows_PayloadOneLevelPastTheDefaultLimit_Answers400AndStoresNothing()
    {
        var before = await _api.CountRowsAsync();

        using var response = await _api.Client.PostAsync("/workflows", HttpJson.Body(
            $$"""{"workflow_name": "OrderProcess", "input_payload": {{JsonText.NestedObjects(DefaultDepth + 1)}}}"""));

        var problem = await HttpJson.ReadProblemAsync(response, 400);
        Assert.That(problem["errors"]?["input_payload"], Is.Not.Null, problem.ToJsonString());
        Assert.That(await _api.CountRowsAsync(), Is.EqualTo(before));
    }

    [Test]
    public void Database_JsonOneLevelPastTheDefaultLimit_IsRefusedByMariaDb()
    {
        // What the limit protects against: the JSON column's check refuses the document, which would be a 500.
        Assert.That(
            () => _api.Database.ExecuteAsync(
                "INSERT INTO workflow_instances (id, workflow_name, status, current_input, created_at, updated_at) " +
                "VALUES (UUID(), 'OrderProcess', 'PENDING', @Payload, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))",
                new { Payload = JsonText.NestedObjects(DefaultDepth + 1) }),
            Throws.InstanceOf<MySqlException>(),
            "MariaDB stored a document nested one level past Api:MaxPayloadDepth's default; on this server the default "
            + "could be higher (MySQL's JSON type allows 100 levels)");
    }
}
