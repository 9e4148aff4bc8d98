using GoFlow.Domain;

namespace GoFlow.Host.Tests.EndToEnd;

[TestFixture(Store.MySql)]
[TestFixture(Store.Sqlite)]
public sealed class UserOnboardingTests(Store store)
{
    private GoFlowHost _host = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await GoFlowHost.StartAsync(store);

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [Test]
    public async Task UserOnboarding_ValidEmail_CompletesWithAnAccountIdAndTheMemberRole()
    {
        var id = await _host.StartWorkflowAsync("UserOnboarding", """{"email": "ada@example.com"}""");

        var workflow = await _host.WaitUntilFinishedAsync(id);

        var output = workflow["current_input"]!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(workflow["status"]?.GetValue<string>(), Is.EqualTo("COMPLETED"), workflow.ToJsonString());
            Assert.That(workflow["tasks"]!.AsArray().Select(task => task!["task_name"]!.GetValue<string>()),
                Is.EqualTo(new[] { "CreateAccount", "SendWelcomeEmail", "AssignRole" }));
            Assert.That(output["email"]?.GetValue<string>(), Is.EqualTo("ada@example.com"));
            Assert.That(Guid.TryParse(output["account_id"]?.GetValue<string>(), out _), Is.True, output.ToJsonString());
            Assert.That(output["welcome_email_sent"]?.GetValue<bool>(), Is.True);
            Assert.That(output["role"]?.GetValue<string>(), Is.EqualTo("member"));
        }
    }

    [Test]
    public async Task UserOnboarding_RoleGiven_KeepsIt()
    {
        var id = await _host.StartWorkflowAsync("UserOnboarding", """{"email": "grace@example.com", "role": "admin"}""");

        var workflow = await _host.WaitUntilFinishedAsync(id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(workflow["status"]?.GetValue<string>(), Is.EqualTo(StatusNames.Completed), workflow.ToJsonString());
            Assert.That(workflow["current_input"]?["role"]?.GetValue<string>(), Is.EqualTo("admin"));
        }
    }

    [Test]
    public async Task UserOnboarding_EmailWithoutAt_FailsAtCreateAccount()
    {
        var id = await _host.StartWorkflowAsync("UserOnboarding", """{"email": "not-an-email"}""");

        var workflow = await _host.WaitUntilFinishedAsync(id);

        var tasks = workflow["tasks"]!.AsArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(workflow["status"]?.GetValue<string>(), Is.EqualTo(StatusNames.Failed), workflow.ToJsonString());
            Assert.That(tasks, Has.Count.EqualTo(1));
            Assert.That(tasks[0]!["task_name"]?.GetValue<string>(), Is.EqualTo("CreateAccount"));
            Assert.That(tasks[0]!["error"]?.GetValue<string>(), Does.Contain("email"));
        }
    }
}
