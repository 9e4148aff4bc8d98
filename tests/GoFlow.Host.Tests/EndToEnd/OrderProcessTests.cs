using System.Text.Json.Nodes;

namespace GoFlow.Host.Tests.EndToEnd;

[TestFixture(Store.MySql)]
[TestFixture(Store.Sqlite)]
public sealed class OrderProcessTests(Store store)
{
    private GoFlowHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await GoFlowHost.StartAsync(store);

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [Test]
    public async Task OrderProcess_ValidOrder_CompletesWithEveryTaskCompletedAndTheDataCarriedThrough()
    {
        var id = await _host.StartWorkflowAsync("OrderProcess", """{"order_id": "A-1", "amount": 42}""");

        var workflow = await _host.WaitUntilFinishedAsync(id);

        var tasks = workflow["tasks"]!.AsArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(workflow["status"]?.GetValue<string>(), Is.EqualTo("COMPLETED"), workflow.ToJsonString());
            Assert.That(tasks.Select(task => task!["task_name"]!.GetValue<string>()),
                Is.EqualTo(new[] { "ValidateOrder", "DeductMoney", "SendEmail" }));
            Assert.That(tasks.Select(task => task!["status"]!.GetValue<string>()), Is.All.EqualTo("COMPLETED"));
            Assert.That(tasks.Select(task => task!["attempt"]!.GetValue<int>()), Is.All.EqualTo(1));
            Assert.That(tasks.Select(task => task!["error"]), Is.All.Null);
            Assert.That(JsonNode.DeepEquals(workflow["current_input"], JsonNode.Parse("""
                {"order_id": "A-1", "amount": 42, "validated": true, "charged_amount": 42, "email_sent": true}
                """)), Is.True, workflow["current_input"]?.ToJsonString());
            // Each step received the step before's output.
            Assert.That(JsonNode.DeepEquals(tasks[0]!["input_payload"], JsonNode.Parse("""{"order_id": "A-1", "amount": 42}""")), Is.True);
            Assert.That(JsonNode.DeepEquals(tasks[1]!["input_payload"], tasks[0]!["output_payload"]), Is.True);
            Assert.That(JsonNode.DeepEquals(tasks[2]!["input_payload"], tasks[1]!["output_payload"]), Is.True);
            Assert.That(JsonNode.DeepEquals(workflow["current_input"], tasks[2]!["output_payload"]), Is.True);
        }
    }

    [Test]
    public async Task OrderProcess_ValidOrder_LogsEveryStepInOrder()
    {
        var id = await _host.StartWorkflowAsync("OrderProcess", """{"order_id": "A-2", "amount": 7}""");
        var workflow = await _host.WaitUntilFinishedAsync(id);
        var taskIds = workflow["tasks"]!.AsArray().Select(task => (long?)task!["id"]!.GetValue<long>()).ToList();

        var activity = await _host.GetActivityAsync(id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(activity.Select(row => row!["action"]!.GetValue<string>()), Is.EqualTo(new[]
            {
                "WORKFLOW_CREATED",
                "TASK_STARTED", "TASK_COMPLETED",
                "TASK_STARTED", "TASK_COMPLETED",
                "TASK_STARTED", "TASK_COMPLETED",
                "WORKFLOW_COMPLETED",
            }));
            Assert.That(activity.Select(row => row!["task_id"]?.GetValue<long>()), Is.EqualTo(new[]
            {
                null, taskIds[0], taskIds[0], taskIds[1], taskIds[1], taskIds[2], taskIds[2], null,
            }));
            Assert.That(activity.Select(row => row!["id"]!.GetValue<long>()), Is.Ordered.Ascending.And.Unique);
            Assert.That(activity[1]!["details"]?["task_name"]?.GetValue<string>(), Is.EqualTo("ValidateOrder"));
            Assert.That(activity[7]!["details"]?["workflow_name"]?.GetValue<string>(), Is.EqualTo("OrderProcess"));
        }
    }

    [Test]
    public async Task OrderProcess_NegativeAmount_FailsAtValidateOrderAndNeverCreatesDeductMoney()
    {
        var id = await _host.StartWorkflowAsync("OrderProcess", """{"order_id": "A-3", "amount": -5}""");

        var workflow = await _host.WaitUntilFinishedAsync(id);

        var tasks = workflow["tasks"]!.AsArray();
        var activity = await _host.GetActivityAsync(id);
        var storedTaskNames = await _host.Database.QueryAsync<string>(
            "SELECT task_name FROM tasks WHERE workflow_instance_id = @id", new { id });
        using (Assert.EnterMultipleScope())
        {
            Assert.That(workflow["status"]?.GetValue<string>(), Is.EqualTo("FAILED"), workflow.ToJsonString());
            Assert.That(tasks, Has.Count.EqualTo(1));
            Assert.That(tasks[0]!["task_name"]?.GetValue<string>(), Is.EqualTo("ValidateOrder"));
            Assert.That(tasks[0]!["status"]?.GetValue<string>(), Is.EqualTo("FAILED"));
            Assert.That(tasks[0]!["error"]?.GetValue<string>(), Is.EqualTo("amount must be a number greater than 0."));
            Assert.That(tasks[0]!["output_payload"], Is.Null);
            Assert.That(storedTaskNames, Is.EqualTo(new[] { "ValidateOrder" }), "DeductMoney is never created");
            Assert.That(activity.Select(row => row!["action"]!.GetValue<string>()), Is.EqualTo(new[]
            {
                "WORKFLOW_CREATED", "TASK_STARTED", "TASK_FAILED", "WORKFLOW_FAILED",
            }));
            Assert.That(activity[2]!["details"]?["error"]?.GetValue<string>(), Is.EqualTo("amount must be a number greater than 0."));
        }
    }
}
