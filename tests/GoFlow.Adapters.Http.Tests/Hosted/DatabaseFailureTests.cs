using GoFlow.Adapters.Http.Tests.Support;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>A storage failure in the real host (Development environment, as WebApplicationFactory runs it).</summary>
public sealed class DatabaseFailureTests
{
    [Test]
    public async Task PostWorkflows_TableMissing_Answers500ProblemWithoutSqlOrStackTrace()
    {
        await using var api = await HostedApi.StartAsync();
        // Make sure the host is up (schema checked at start) before its tables go away.
        using (var ready = await api.Client.GetAsync("/workflow-definitions"))
        {
            Assert.That(ready.IsSuccessStatusCode, Is.True);
        }

        await api.Database.ExecuteAsync("DROP TABLE activity_logs; DROP TABLE workflow_signals; DROP TABLE tasks; DROP TABLE workflow_instances;");

        using var response = await api.Client.PostAsync(
            "/workflows", HttpJson.Body("""{"workflow_name": "OrderProcess", "input_payload": {"order_id": "A-1", "amount": 1}}"""));

        var text = await response.Content.ReadAsStringAsync();
        await HttpJson.ReadProblemAsync(response, 500);
        Assert.That(text, Does.Not.Contain("workflow_instances").And.Not.Contain(api.Database.Name).And.Not.Contain("MySql"));
    }
}
