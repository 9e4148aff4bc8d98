using System.Text.Json;

namespace GoFlow.Domain.Tests;

public sealed class ActivityDetailsTests
{
    [Test]
    public void ForWorkflow_Name_IsAnObjectWithTheWorkflowName()
    {
        var details = ActivityDetails.ForWorkflow("OrderProcess");

        using var json = JsonDocument.Parse(details);
        Assert.Multiple(() =>
        {
            Assert.That(json.RootElement.ValueKind, Is.EqualTo(JsonValueKind.Object));
            Assert.That(json.RootElement.GetProperty("workflow_name").GetString(), Is.EqualTo("OrderProcess"));
            Assert.That(json.RootElement.EnumerateObject().Count(), Is.EqualTo(1));
        });
    }

    [Test]
    public void ForTask_WithoutError_HasTaskNameAndAttemptOnly()
    {
        var details = ActivityDetails.ForTask("ValidateOrder", 2);

        using var json = JsonDocument.Parse(details);
        Assert.Multiple(() =>
        {
            Assert.That(json.RootElement.GetProperty("task_name").GetString(), Is.EqualTo("ValidateOrder"));
            Assert.That(json.RootElement.GetProperty("attempt").ValueKind, Is.EqualTo(JsonValueKind.Number));
            Assert.That(json.RootElement.GetProperty("attempt").GetInt32(), Is.EqualTo(2));
            Assert.That(json.RootElement.TryGetProperty("error", out _), Is.False);
        });
    }

    [Test]
    public void ForTask_WithError_IncludesTheError()
    {
        var details = ActivityDetails.ForTask("ValidateOrder", 1, "order_id is missing");

        using var json = JsonDocument.Parse(details);
        Assert.That(json.RootElement.GetProperty("error").GetString(), Is.EqualTo("order_id is missing"));
    }

    // Handler errors are arbitrary text: whatever they hold must come out as valid JSON and read back unchanged.
    [TestCase("""say "no" """)]
    [TestCase(@"C:\path\to\file")]
    [TestCase("line one\nline two\ttabbed\r")]
    [TestCase("control \u0001 character")]
    [TestCase("café, 日本語, emoji 😀")]
    [TestCase("</script><script>alert(1)</script>")]
    [TestCase("{\"looks\":\"like json\"}")]
    public void ForTask_ErrorWithCharactersToEscape_IsValidJsonThatReadsBackUnchanged(string error)
    {
        var details = ActivityDetails.ForTask("ValidateOrder", 1, error);

        using var json = JsonDocument.Parse(details);
        Assert.That(json.RootElement.GetProperty("error").GetString(), Is.EqualTo(error));
    }

    [TestCase("Order \"Process\"")]
    [TestCase("Überweisung")]
    public void ForWorkflow_NameWithCharactersToEscape_ReadsBackUnchanged(string name)
    {
        using var json = JsonDocument.Parse(ActivityDetails.ForWorkflow(name));

        Assert.That(json.RootElement.GetProperty("workflow_name").GetString(), Is.EqualTo(name));
    }

    [Test]
    public void ForTask_OneAfterAnother_WritesEachObjectWholeAndAlone()
    {
        // Each thread reuses its buffer and writer: an object must carry nothing of the one before it, even one that
        // grew the buffer past what the thread keeps.
        var longError = new string('x', 10_000);
        var first = ActivityDetails.ForTask("ValidateOrder", 1);
        var second = ActivityDetails.ForTask("ChargeCard", 1, longError);
        var third = ActivityDetails.ForTask("ShipOrder", 2);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first, Is.EqualTo("""{"task_name":"ValidateOrder","attempt":1}"""));
            Assert.That(JsonDocument.Parse(second).RootElement.GetProperty("error").GetString(), Is.EqualTo(longError));
            Assert.That(third, Is.EqualTo("""{"task_name":"ShipOrder","attempt":2}"""));
        }
    }
}
