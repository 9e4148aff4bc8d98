using GoFlow.Domain.Tests.Builders;

namespace GoFlow.Domain.Tests;

public sealed class WorkflowIdTests
{
    private const string Canonical = "01943a7e-5c2b-7d3f-8a9b-0123456789ab";

    [Test]
    public void TryParse_CanonicalForm_ReturnsTrueWithTheSameId()
    {
        var parsed = WorkflowId.TryParse(Canonical, out var id);

        Assert.Multiple(() =>
        {
            Assert.That(parsed, Is.True);
            Assert.That(id.Value, Is.EqualTo(Guid.Parse(Canonical)));
            Assert.That(id.ToString(), Is.EqualTo(Canonical));
        });
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("not-a-workflow-id")]
    [TestCase("01943a7e5c2b7d3f8a9b0123456789ab")]                            // N: no hyphens
    [TestCase("{01943a7e-5c2b-7d3f-8a9b-0123456789ab}")]                      // B: braces
    [TestCase("(01943a7e-5c2b-7d3f-8a9b-0123456789ab)")]                      // P: parentheses
    [TestCase(" 01943a7e-5c2b-7d3f-8a9b-0123456789ab")]                       // padded
    [TestCase("01943a7e-5c2b-7d3f-8a9b-0123456789ab ")]
    [TestCase("01943a7e-5c2b-7d3f-8a9b-0123456789a")]                         // one digit short
    [TestCase("01943a7e-5c2b-7d3f-8a9b-0123456789abc")]                       // one digit long
    [TestCase("01943a7e-5c2b-7d3f-8a9b-0123456789ag")]                        // not hex, 36 characters
    [TestCase("01943a7e5-c2b-7d3f-8a9b-0123456789ab")]                        // hyphen misplaced, 36 characters
    [TestCase("{0x01943a7e,0x5c2b,0x7d3f,{0x8a,0x9b,0x01,0x23,0x45,0x67,0x89,0xab}}")] // X
    [TestCase("+1943a7e-5c2b-7d3f-8a9b-0123456789ab")]                        // a sign for the leading zero
    [TestCase("-1943a7e-5c2b-7d3f-8a9b-0123456789ab")]
    [TestCase("01943a7e-+c2b-7d3f-8a9b-0123456789ab")]                        // a sign inside a group
    public void TryParse_NotTheCanonicalForm_ReturnsFalseAndDefault(string? text)
    {
        var parsed = WorkflowId.TryParse(text, out var id);

        Assert.Multiple(() =>
        {
            Assert.That(parsed, Is.False);
            Assert.That(id, Is.EqualTo(default(WorkflowId)));
        });
    }

    [Test]
    public void ToString_NewId_IsCanonicalLowercaseAndParsesBack()
    {
        var id = WorkflowId.New(TestClock.Start);

        var text = id.ToString();

        Assert.Multiple(() =>
        {
            Assert.That(text, Has.Length.EqualTo(36));
            Assert.That(text, Is.EqualTo(text.ToLowerInvariant()));
            Assert.That(WorkflowId.TryParse(text, out var parsed), Is.True);
            Assert.That(parsed, Is.EqualTo(id));
        });
    }

    [Test]
    public void New_Always_IsUuidVersion7()
    {
        Assert.That(WorkflowId.New(TestClock.Start).Value.Version, Is.EqualTo(7));
    }

    [Test]
    public void New_LaterTimes_SortByCreationTime()
    {
        // Created out of order on purpose: only the time inside the id can put them back in order.
        int[] millisecondOffsets = [5, 1, 1000, 3, 60_000, 2];
        var ids = millisecondOffsets
            .Select(offset => (Offset: offset, Text: WorkflowId.New(TestClock.Start.AddMilliseconds(offset)).ToString()))
            .ToList();

        // Ordinal string order is the order of the CHAR(36) primary key.
        var byId = ids.OrderBy(id => id.Text, StringComparer.Ordinal).Select(id => id.Offset);

        Assert.That(byId, Is.EqualTo(millisecondOffsets.Order()));
    }

    [Test]
    public void New_SameTime_GivesDistinctIds()
    {
        var ids = Enumerable.Range(0, 100).Select(_ => WorkflowId.New(TestClock.Start)).ToList();

        Assert.That(ids, Is.Unique);
    }
}
