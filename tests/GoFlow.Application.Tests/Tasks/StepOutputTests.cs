using System.Text.Json.Nodes;
using GoFlow.Application.Tasks;

namespace GoFlow.Application.Tests.Tasks;

public sealed class StepOutputTests
{
    [Test]
    public void TryWrite_OneAfterAnother_WritesEachOutputWholeAndAlone()
    {
        // An output carries nothing of the one written before it, whether that one was refused half-way (too deep) or
        // was large.
        var tooDeep = new JsonObject();
        var inner = tooDeep;
        for (var depth = 0; depth < 70; depth++)
        {
            var next = new JsonObject();
            inner["a"] = next;
            inner = next;
        }

        var first = StepOutput.TryWrite(new JsonObject { ["order_id"] = "A-1" }, 1_000_000, out var firstText, out _);
        var refused = StepOutput.TryWrite(tooDeep, 1_000_000, out _, out _);
        var large = StepOutput.TryWrite(new JsonObject { ["text"] = new string('x', 10_000) }, 1_000_000, out var largeText, out _);
        var last = StepOutput.TryWrite(new JsonObject { ["order_id"] = "B-2", ["amount"] = 3 }, 1_000_000, out var lastText, out _);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((first, refused, large, last), Is.EqualTo((true, false, true, true)));
            Assert.That(firstText, Is.EqualTo("""{"order_id":"A-1"}"""));
            Assert.That(largeText, Has.Length.EqualTo(10_011));
            Assert.That(lastText, Is.EqualTo("""{"order_id":"B-2","amount":3}"""));
        }
    }
}
