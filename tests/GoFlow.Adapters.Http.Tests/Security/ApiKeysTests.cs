using GoFlow.Adapters.Http.Security;

namespace GoFlow.Adapters.Http.Tests.Security;

public sealed class ApiKeysTests
{
    private const string First = "3f9a1c7e5b2d8046a1e9c3b7d5f20864";
    private const string Second = "k-2.second_key~with+symbols/=";

    private readonly ApiKeys _keys = new([First, Second]);

    [TestCase(First)]
    [TestCase(Second)]
    public void Accepts_AConfiguredKey_IsTrue(string presented)
    {
        Assert.That(_keys.Accepts(presented), Is.True);
    }

    [TestCase("3f9a1c7e5b2d8046a1e9c3b7d5f20865", TestName = "Accepts_SameLengthOneCharacterOff_IsFalse")]
    [TestCase("3f9a1c7e5b2d8046a1e9c3b7d5f2086", TestName = "Accepts_APrefixOfAKey_IsFalse")]
    [TestCase("3f9a1c7e5b2d8046a1e9c3b7d5f208640", TestName = "Accepts_AKeyWithOneMoreCharacter_IsFalse")]
    [TestCase("3F9A1C7E5B2D8046A1E9C3B7D5F20864", TestName = "Accepts_AKeyInAnotherCase_IsFalse")]
    [TestCase("x", TestName = "Accepts_AMuchShorterKey_IsFalse")]
    [TestCase("", TestName = "Accepts_Empty_IsFalse")]
    public void Accepts_AnythingElse_IsFalse(string presented)
    {
        Assert.That(_keys.Accepts(presented), Is.False);
    }

    [Test]
    public void Accepts_AKeyLongerThanAHashBlock_ComparesTheWholeKey()
    {
        var longKey = new string('k', 200);
        var keys = new ApiKeys([longKey]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(keys.Accepts(longKey), Is.True);
            Assert.That(keys.Accepts(new string('k', 199) + "j"), Is.False);
        }
    }

    [Test]
    public void AreRequired_FollowsWhetherAnyKeyIsConfigured()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_keys.AreRequired, Is.True);
            Assert.That(new ApiKeys([]).AreRequired, Is.False);
            Assert.That(new ApiKeys([]).Accepts(string.Empty), Is.False);
        }
    }
}
