using GoFlow.Host.SampleTasks;
using GoFlow.Testing;

namespace GoFlow.Host.Tests.SampleTasks;

public sealed class OrderTasksTests
{
    [Test]
    public async Task ValidateOrder_ValidOrder_AddsValidatedToItsInput()
    {
        var outcome = await TaskHandlerHarness.RunAsync(new ValidateOrder(), """{"order_id":"A-1","amount":42.5}""");

        Assert.That(outcome.Output?.ToJsonString(), Is.EqualTo("""{"order_id":"A-1","amount":42.5,"validated":true}"""));
    }

    [TestCase("""{"amount":42}""", "order_id")]
    [TestCase("""{"order_id":"","amount":42}""", "order_id")]
    [TestCase("""{"order_id":null,"amount":42}""", "order_id")]
    [TestCase("""{"order_id":"A-1"}""", "amount")]
    [TestCase("""{"order_id":"A-1","amount":0}""", "amount")]
    [TestCase("""{"order_id":"A-1","amount":-5}""", "amount")]
    [TestCase("""{"order_id":"A-1","amount":"42"}""", "amount")]
    public async Task ValidateOrder_InvalidOrder_FailsForGoodNamingTheField(string input, string field)
    {
        var outcome = await TaskHandlerHarness.RunAsync(new ValidateOrder(), input);

        Assert.That(outcome.IsPermanentFailure, Is.True, outcome.Error);
        Assert.That(outcome.Error, Does.StartWith(field));
    }

    [Test]
    public async Task DeductMoney_Always_ChargesTheAmount()
    {
        var outcome = await TaskHandlerHarness.RunAsync(new DeductMoney(), """{"amount":42}""");

        Assert.That(outcome.Output?["charged_amount"]?.GetValue<decimal>(), Is.EqualTo(42m));
    }

    [Test]
    public async Task SendEmail_Always_MarksTheEmailSent()
    {
        var outcome = await TaskHandlerHarness.RunAsync(new SendEmail(), """{"order_id":"A-1"}""");

        Assert.That(outcome.Output?.ToJsonString(), Is.EqualTo("""{"order_id":"A-1","email_sent":true}"""));
    }
}
