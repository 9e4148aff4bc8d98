using GoFlow.Host.SampleTasks;
using GoFlow.Testing;

namespace GoFlow.Host.Tests.SampleTasks;

public sealed class OnboardingTasksTests
{
    [Test]
    public async Task CreateAccount_ValidEmail_AddsANewAccountId()
    {
        var first = await TaskHandlerHarness.RunAsync(new CreateAccount(), """{"email":"ada@example.com"}""");
        var second = await TaskHandlerHarness.RunAsync(new CreateAccount(), """{"email":"ada@example.com"}""");

        Assert.That(Guid.TryParse(first.Output?["account_id"]?.GetValue<string>(), out _), Is.True);
        Assert.That(first.Output?["account_id"]?.GetValue<string>(), Is.Not.EqualTo(second.Output?["account_id"]?.GetValue<string>()));
        Assert.That(first.Output?["email"]?.GetValue<string>(), Is.EqualTo("ada@example.com"));
    }

    [TestCase("{}")]
    [TestCase("""{"email":"ada.example.com"}""")]
    [TestCase("""{"email":42}""")]
    public async Task CreateAccount_MissingOrBadEmail_FailsForGood(string input)
    {
        var outcome = await TaskHandlerHarness.RunAsync(new CreateAccount(), input);

        Assert.That(outcome.IsPermanentFailure, Is.True, outcome.Error);
        Assert.That(outcome.Error, Does.Contain("email"));
    }

    [Test]
    public async Task SendWelcomeEmail_Always_MarksItSent()
    {
        var outcome = await TaskHandlerHarness.RunAsync(new SendWelcomeEmail(), "{}");

        Assert.That(outcome.Output?["welcome_email_sent"]?.GetValue<bool>(), Is.True);
    }

    [Test]
    public async Task AssignRole_NoRole_AssignsMember()
    {
        var outcome = await TaskHandlerHarness.RunAsync(new AssignRole(), "{}");

        Assert.That(outcome.Output?["role"]?.GetValue<string>(), Is.EqualTo("member"));
    }

    [Test]
    public async Task AssignRole_RoleGiven_KeepsIt()
    {
        var outcome = await TaskHandlerHarness.RunAsync(new AssignRole(), """{"role":"admin"}""");

        Assert.That(outcome.Output?["role"]?.GetValue<string>(), Is.EqualTo("admin"));
    }
}
