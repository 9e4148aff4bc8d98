using System.Text.Json.Nodes;
using GoFlow.Host.SampleTasks;
using GoFlow.Ports.Driven;

namespace GoFlow.Host.Tests.SampleTasks;

public sealed class OnboardingTasksTests
{
    [Test]
    public async Task CreateAccount_ValidEmail_AddsANewAccountId()
    {
        var first = await new CreateAccount().HandleAsync(Json("""{"email":"ada@example.com"}"""), default);
        var second = await new CreateAccount().HandleAsync(Json("""{"email":"ada@example.com"}"""), default);

        Assert.That(Guid.TryParse(first["account_id"]!.GetValue<string>(), out _), Is.True);
        Assert.That(first["account_id"]!.GetValue<string>(), Is.Not.EqualTo(second["account_id"]!.GetValue<string>()));
        Assert.That(first["email"]!.GetValue<string>(), Is.EqualTo("ada@example.com"));
    }

    [TestCase("{}")]
    [TestCase("""{"email":"ada.example.com"}""")]
    [TestCase("""{"email":42}""")]
    public void CreateAccount_MissingOrBadEmail_Fails(string input)
    {
        Assert.That(
            async () => await new CreateAccount().HandleAsync(Json(input), default),
            Throws.InstanceOf<PermanentTaskFailureException>().With.Message.Contains("email"));
    }

    [Test]
    public async Task SendWelcomeEmail_Always_MarksItSent()
    {
        var output = await new SendWelcomeEmail().HandleAsync(Json("{}"), default);

        Assert.That(output["welcome_email_sent"]!.GetValue<bool>(), Is.True);
    }

    [Test]
    public async Task AssignRole_NoRole_AssignsMember()
    {
        var output = await new AssignRole().HandleAsync(Json("{}"), default);

        Assert.That(output["role"]!.GetValue<string>(), Is.EqualTo("member"));
    }

    [Test]
    public async Task AssignRole_RoleGiven_KeepsIt()
    {
        var output = await new AssignRole().HandleAsync(Json("""{"role":"admin"}"""), default);

        Assert.That(output["role"]!.GetValue<string>(), Is.EqualTo("admin"));
    }

    private static JsonObject Json(string text) => JsonNode.Parse(text)!.AsObject();
}
