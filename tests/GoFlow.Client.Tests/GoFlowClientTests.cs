using System.Net;
using System.Text.Json.Nodes;

namespace GoFlow.Client.Tests;

/// <summary>Every call of the client against the real host, and every problem answer as its typed exception.</summary>
public sealed class GoFlowClientTests
{
    private static readonly TimeSpan FinishTimeout = TimeSpan.FromSeconds(60);

    private ClientHost _host = null!;
    private ClientHost _apiOnly = null!;

    [OneTimeSetUp]
    public void StartHosts()
    {
        _host = new ClientHost();

        // No worker: what it starts stays PENDING, to cancel, retry and list it as it is.
        _apiOnly = new ClientHost(new()
        {
            ["GoFlow:Roles"] = "Api",
            ["Workflows:Approval:Tasks:0"] = "AwaitApproval",
            ["Workflows:Approval:Signals:AwaitApproval:Name"] = "approved",
            ["Workflows:Approval:Signals:AwaitApproval:Timeout"] = "01:00:00",
        });
    }

    [OneTimeTearDown]
    public void StopHosts()
    {
        _host.Dispose();
        _apiOnly.Dispose();
    }

    [Test]
    public async Task StartAndWait_OrderProcess_CompletesWithItsTasksAndActivity()
    {
        var started = await _host.Client.StartAsync("OrderProcess", new JsonObject { ["order_id"] = "A-1", ["amount"] = 12.5 });

        var finished = await _host.Client.WaitUntilFinishedAsync(started.Id, FinishTimeout);
        var read = await _host.Client.GetAsync(started.Id);
        var activity = await _host.Client.GetActivityAsync(started.Id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(started.WorkflowName, Is.EqualTo("OrderProcess"));
            Assert.That(finished.Status, Is.EqualTo(GoFlowStatus.Completed));
            Assert.That(read.Tasks.Select(task => task.TaskName), Is.EqualTo(new[] { "ValidateOrder", "DeductMoney", "SendEmail" }));
            Assert.That(read.CurrentInput["email_sent"]?.GetValue<bool>(), Is.True);
            Assert.That(activity, Is.Not.Empty);
            Assert.That(activity.Select(row => row.Id), Is.Ordered.Ascending);
        }
    }

    [Test]
    public async Task Start_SameIdempotencyKeyTwice_StartsOnce()
    {
        var key = Guid.NewGuid().ToString("N");

        var first = await _apiOnly.Client.StartAsync("OrderProcess", new JsonObject { ["order_id"] = "K" }, key);
        var second = await _apiOnly.Client.StartAsync("OrderProcess", new JsonObject { ["order_id"] = "K" }, key);

        Assert.That(second.Id, Is.EqualTo(first.Id));
    }

    [Test]
    public async Task Start_NoKeyGiven_EachCallStartsItsOwn()
    {
        var first = await _apiOnly.Client.StartAsync("OrderProcess");
        var second = await _apiOnly.Client.StartAsync("OrderProcess");

        Assert.That(second.Id, Is.Not.EqualTo(first.Id));
    }

    [Test]
    public async Task Start_SameKeyOtherRequest_ThrowsValidationWith422()
    {
        var key = Guid.NewGuid().ToString("N");
        await _apiOnly.Client.StartAsync("OrderProcess", new JsonObject { ["n"] = 1 }, key);

        var problem = Assert.ThrowsAsync<GoFlowValidationException>(
            () => _apiOnly.Client.StartAsync("OrderProcess", new JsonObject { ["n"] = 2 }, key));

        Assert.That(problem!.Status, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
    }

    [Test]
    public void Start_UnknownWorkflow_ThrowsValidationNamingTheField()
    {
        var problem = Assert.ThrowsAsync<GoFlowValidationException>(() => _apiOnly.Client.StartAsync("NoSuchWorkflow"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(problem!.Status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(problem.Errors.Keys, Does.Contain("workflow_name"), problem.Problem.ToJsonString());
            Assert.That(problem.Title, Is.Not.Null);
        }
    }

    [TestCase("")]
    [TestCase(".")]
    [TestCase("..")]
    [TestCase("\0")]
    [TestCase("0197a0e4-7c2b-7d4e-9f00-12345\n7890ab")]
    public void AnyCallById_EmptyDotSegmentOrControlCharacterId_ThrowsArgumentBeforeSending(string id)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.ThrowsAsync<ArgumentException>(() => _apiOnly.Client.GetAsync(id));
            Assert.ThrowsAsync<ArgumentException>(() => _apiOnly.Client.GetActivityAsync(id));
            Assert.ThrowsAsync<ArgumentException>(() => _apiOnly.Client.CancelAsync(id));
            Assert.ThrowsAsync<ArgumentException>(() => _apiOnly.Client.RetryAsync(id));
            Assert.ThrowsAsync<ArgumentException>(() => _apiOnly.Client.WaitUntilFinishedAsync(id, TimeSpan.Zero));
        }
    }

    [TestCase("key\0")]
    [TestCase("key\r\nX-Injected: 1")]
    [TestCase("clé")]
    public void Start_KeyAHeaderCannotCarry_ThrowsArgument(string key)
    {
        var refused = Assert.ThrowsAsync<ArgumentException>(() => _apiOnly.Client.StartAsync("OrderProcess", idempotencyKey: key));

        Assert.That(refused!.ParamName, Is.EqualTo("idempotencyKey"));
    }

    [Test]
    public void Get_UnknownWorkflow_ThrowsNotFound()
    {
        var problem = Assert.ThrowsAsync<GoFlowNotFoundException>(() => _apiOnly.Client.GetAsync("0197a0e4-7c2b-7d4e-9f00-1234567890ab"));

        Assert.That(problem!.Status, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public void Activity_UnknownWorkflow_ThrowsNotFound()
    {
        Assert.ThrowsAsync<GoFlowNotFoundException>(() => _apiOnly.Client.GetActivityAsync("0197a0e4-7c2b-7d4e-9f00-1234567890ab"));
    }

    [Test]
    public async Task CancelThenRetry_PendingWorkflow_CancelledThenPendingAgain()
    {
        var started = await _apiOnly.Client.StartAsync("UserOnboarding", new JsonObject { ["email"] = "a@b.c" });

        var cancelled = await _apiOnly.Client.CancelAsync(started.Id);
        var retried = await _apiOnly.Client.RetryAsync(started.Id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(cancelled.Status, Is.EqualTo(GoFlowStatus.Cancelled));
            Assert.That(retried.Status, Is.EqualTo(GoFlowStatus.Pending));
        }
    }

    [Test]
    public async Task CancelAndRetry_WrongStatus_ThrowConflictNamingTheStatus()
    {
        var started = await _apiOnly.Client.StartAsync("OrderProcess");
        await _apiOnly.Client.CancelAsync(started.Id);

        var cancelAgain = Assert.ThrowsAsync<GoFlowConflictException>(() => _apiOnly.Client.CancelAsync(started.Id));
        await _apiOnly.Client.RetryAsync(started.Id);
        var retryPending = Assert.ThrowsAsync<GoFlowConflictException>(() => _apiOnly.Client.RetryAsync(started.Id));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(cancelAgain!.WorkflowStatus, Is.EqualTo(GoFlowStatus.Cancelled));
            Assert.That(retryPending!.WorkflowStatus, Is.EqualTo(GoFlowStatus.Pending));
        }
    }

    [Test]
    public void CancelAndRetry_UnknownWorkflow_ThrowNotFound()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.ThrowsAsync<GoFlowNotFoundException>(() => _apiOnly.Client.CancelAsync("0197a0e4-7c2b-7d4e-9f00-1234567890ab"));
            Assert.ThrowsAsync<GoFlowNotFoundException>(() => _apiOnly.Client.RetryAsync("0197a0e4-7c2b-7d4e-9f00-1234567890ab"));
        }
    }

    [Test]
    public async Task List_MorePagesThanOne_ReadsEveryWorkflowNewestFirst()
    {
        var name = "UserOnboarding";
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var started = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            started.Add((await _apiOnly.Client.StartAsync(name, new JsonObject { ["email"] = $"{i}@x.y" })).Id);
        }

        var listed = new List<GoFlowWorkflowSummary>();
        await foreach (var workflow in _apiOnly.Client.ListAsync(new GoFlowListQuery(WorkflowName: name, CreatedAfter: since, PageSize: 2)))
        {
            listed.Add(workflow);
        }

        Assert.That(listed.Select(workflow => workflow.Id).Where(started.Contains), Is.EquivalentTo(started));
        Assert.That(listed.Select(workflow => workflow.CreatedAt), Is.Ordered.Descending);
    }

    [Test]
    public void List_BadStatus_ThrowsValidationNamingTheParameter()
    {
        var problem = Assert.ThrowsAsync<GoFlowValidationException>(
            async () => await _apiOnly.Client.ListAsync(new GoFlowListQuery(Status: "done")).GetAsyncEnumerator().MoveNextAsync());

        Assert.That(problem!.Errors.Keys, Does.Contain("status"));
    }

    [Test]
    public async Task GetDefinitions_Always_ListsTheSamples()
    {
        var definitions = await _apiOnly.Client.GetDefinitionsAsync();

        Assert.That(definitions.Select(definition => definition.Name), Is.SupersetOf(new[] { "OrderProcess", "UserOnboarding" }));
    }

    [Test]
    public async Task SignalAsync_ToAWorkflowWaitingForIt_IsStoredAndAResendUnderTheKeyGetsTheSameAnswer()
    {
        var started = await _apiOnly.Client.StartAsync("Approval");

        var first = await _apiOnly.Client.SignalAsync(started.Id, "approved", new JsonObject { ["by"] = "ann" }, "approve-1");
        var again = await _apiOnly.Client.SignalAsync(started.Id, "approved", new JsonObject { ["by"] = "ann" }, "approve-1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.WorkflowId, Is.EqualTo(started.Id));
            Assert.That(first.Name, Is.EqualTo("approved"));
            Assert.That(again, Is.EqualTo(first));
            Assert.ThrowsAsync<GoFlowValidationException>(
                () => _apiOnly.Client.SignalAsync(started.Id, "approved", new JsonObject { ["by"] = "bob" }, "approve-1"));
            Assert.ThrowsAsync<GoFlowConflictException>(() => _apiOnly.Client.SignalAsync(started.Id, "approved"));
        }
    }

    [Test]
    public async Task SignalAsync_NoStepWaitsOrTheWorkflowFinished_ThrowsNotFoundOrConflict()
    {
        var approval = await _apiOnly.Client.StartAsync("Approval");
        var order = await _apiOnly.Client.StartAsync("OrderProcess");
        await _apiOnly.Client.CancelAsync(approval.Id);

        using (Assert.EnterMultipleScope())
        {
            Assert.ThrowsAsync<GoFlowNotFoundException>(() => _apiOnly.Client.SignalAsync(order.Id, "approved"));
            Assert.ThrowsAsync<GoFlowNotFoundException>(() => _apiOnly.Client.SignalAsync(approval.Id, "rejected"));
            Assert.ThrowsAsync<GoFlowConflictException>(() => _apiOnly.Client.SignalAsync(approval.Id, "approved"));
        }
    }

    [TestCase("")]
    [TestCase("..")]
    [TestCase("a\u0000b")]
    public void SignalAsync_ANameThatCannotBeAPathSegment_ThrowsBeforeSending(string name) =>
        Assert.ThrowsAsync<ArgumentException>(() => _apiOnly.Client.SignalAsync("0197a0e4-7c2b-7d4e-9f00-1234567890ab", name));

    [Test]
    public async Task WaitUntilFinished_NeverFinishes_ThrowsTimeout()
    {
        var started = await _apiOnly.Client.StartAsync("OrderProcess");

        Assert.ThrowsAsync<TimeoutException>(() => _apiOnly.Client.WaitUntilFinishedAsync(started.Id, TimeSpan.FromMilliseconds(300)));
    }

    [Test]
    public void AnyCall_KeyRequiredButNotSent_ThrowsProblemWith401()
    {
        using var keyed = new ClientHost(new() { ["Api:Keys:0"] = "client-test-key-0123456789" });

        var problem = Assert.ThrowsAsync<GoFlowProblemException>(() => keyed.Client.GetDefinitionsAsync());

        Assert.That(problem!.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task AnyCall_KeyRequiredAndSent_IsServed()
    {
        using var keyed = new ClientHost(new() { ["Api:Keys:0"] = "client-test-key-0123456789" }, "client-test-key-0123456789");

        Assert.That(await keyed.Client.GetDefinitionsAsync(), Is.Not.Empty);
    }
}
