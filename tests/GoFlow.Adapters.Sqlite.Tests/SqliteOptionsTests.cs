using GoFlow.Adapters.Sqlite.Tests.Support;

namespace GoFlow.Adapters.Sqlite.Tests;

/// <summary>The options rules and the settings every connection gets; no database needed.</summary>
internal sealed class SqliteOptionsTests
{
    private readonly SqliteOptionsValidator _validator = new();

    [Test]
    public void Defaults_AreTheDocumentedOnes()
    {
        var options = new SqliteOptions();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(SqliteOptions.SectionName, Is.EqualTo("Sqlite"));
            Assert.That(options.Path, Is.EqualTo("goflow.db"));
            Assert.That(options.BusyTimeout, Is.EqualTo(TimeSpan.FromSeconds(5)));
            Assert.That(options.ApplySchemaOnStart, Is.True);
        }
    }

    [Test]
    public void Validate_Defaults_Succeeds()
    {
        var result = _validator.Validate(null, new SqliteOptions());

        Assert.That(result.Succeeded, Is.True, result.FailureMessage);
    }

    [TestCase("")]
    [TestCase("   ")]
    public void Validate_BlankPath_FailsNamingPath(string path)
    {
        var result = _validator.Validate(null, new SqliteOptions { Path = path });

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain("Sqlite:Path"));
    }

    [TestCase(":memory:")]
    [TestCase("file:goflow.db?mode=memory")]
    public void Validate_NotAFile_FailsNamingPath(string path)
    {
        var result = _validator.Validate(null, new SqliteOptions { Path = path });

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain("Sqlite:Path").And.Contain("file"));
    }

    [Test]
    public void Validate_PathIsAFolder_FailsNamingPath()
    {
        using var file = new TestSqliteFile();

        var result = _validator.Validate(null, new SqliteOptions { Path = file.Folder });

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain("Sqlite:Path").And.Contain("folder"));
    }

    [TestCase("00:00:00")]
    [TestCase("-00:00:01")]
    [TestCase("01:00:00.001")]
    public void Validate_BusyTimeoutOutOfRange_FailsNamingIt(string busyTimeout)
    {
        var result = _validator.Validate(null, new SqliteOptions { BusyTimeout = TimeSpan.Parse(busyTimeout, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain("Sqlite:BusyTimeout"));
    }

    [TestCase("00:00:00.001")]
    [TestCase("01:00:00")]
    public void Validate_BusyTimeoutAtTheBounds_Succeeds(string busyTimeout)
    {
        var result = _validator.Validate(null, new SqliteOptions { BusyTimeout = TimeSpan.Parse(busyTimeout, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.That(result.Succeeded, Is.True, result.FailureMessage);
    }

    [Test]
    public void FilePath_RelativePath_IsResolvedAgainstTheWorkingDirectory()
    {
        var database = new SqliteDatabase(new SqliteOptions { Path = Path.Combine("data", "flows.db") });

        Assert.That(database.FilePath, Is.EqualTo(Path.Combine(Directory.GetCurrentDirectory(), "data", "flows.db")));
    }
}
