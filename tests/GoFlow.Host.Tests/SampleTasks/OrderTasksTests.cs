using System.Text.Json.Nodes;
using GoFlow.Host.SampleTasks;
using GoFlow.Ports.Driven;

namespace GoFlow.Host.Tests.SampleTasks;

public sealed class OrderTasksTests
{
    [Test]
    public async Task ValidateOrder_ValidOrder_AddsValidatedToItsInput()
    {
        var output = await new ValidateOrder().HandleAsync(Json("""{"order_id":"A-1","amount":42.5}"""), default);

        Assert.That(output.ToJsonString(), Is.EqualTo("""{"order_id":"A-1","amount":42.5,"validated":true}"""));
    }

    [TestCase("""{"amount":42}""", "order_id")]
    [TestCase("""{"order_id":"","amount":42}""", "order_id")]
    [TestCase("""{"order_id":null,"amount":42}""", "order_id")]
    [TestCase("""{"order_id":"A-1"}""", "amount")]
    [TestCase("""{"order_id":"A-1","amount":0}""", "amount")]
    [TestCase("""{"order_id":"A-1","amount":-5}""", "amount")]
    [TestCase("""{"order_id":"A-1","amount":"42"}""", "amount")]
    public void ValidateOrder_InvalidOrder_FailsNamingTheField(string input, string field)
    {
        Assert.That(
            async () => await new ValidateOrder().HandleAsync(Json(input), default),
            Throws.InstanceOf<PermanentTaskFailureException>().With.Message.StartsWith(field));
    }

    [Test]
    public async Task DeductMoney_Always_ChargesTheAmount()
    {
        var output = await new DeductMoney().HandleAsync(Json("""{"amount":42}"""), default);

        Assert.That(output["charged_amount"]!.GetValue<decimal>(), Is.EqualTo(42m));
    }

    [Test]
    public async Task SendEmail_Always_MarksTheEmailSent()
    {
        var output = await new SendEmail().HandleAsync(Json("""{"order_id":"A-1"}"""), default);

        Assert.That(output.ToJsonString(), Is.EqualTo("""{"order_id":"A-1","email_sent":true}"""));
    }

    private static JsonObject Json(string text) => JsonNode.Parse(text)!.AsObject();
}
