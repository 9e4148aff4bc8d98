using Microsoft.Extensions.Options;
using MySqlConnector;

namespace GoFlow.Adapters.MySql.Tests;

/// <summary>The options rules and their mapping onto the driver; no database needed.</summary>
internal sealed class MySqlOptionsTests
{
    private readonly MySqlOptionsValidator _validator = new();

    [Test]
    public void Validate_HostAndDatabase_Succeeds()
    {
        var result = _validator.Validate(null, new MySqlOptions { Host = "db", Database = "goflow" });

        Assert.That(result.Succeeded, Is.True, result.FailureMessage);
    }

    [Test]
    public void Validate_ConnectionStringNamingADatabase_Succeeds()
    {
        var result = _validator.Validate(
            null, new MySqlOptions { ConnectionString = "Server=db;User ID=goflow;Database=goflow" });

        Assert.That(result.Succeeded, Is.True, result.FailureMessage);
    }

    [Test]
    public void Validate_NeitherConnectionStringNorHost_FailsNamingTheOptions()
    {
        var result = _validator.Validate(null, new MySqlOptions { Database = "goflow" });

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain("MySql:ConnectionString").And.Contain("MySql:Host"));
    }

    [Test]
    public void Validate_ConnectionStringWithoutThePoolsReset_FailsNamingConnectionReset()
    {
        var result = _validator.Validate(
            null, new MySqlOptions { ConnectionString = "Server=db;User ID=goflow;Database=goflow;ConnectionReset=false" });

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain("ConnectionReset=false"));
    }

    [Test]
    public void Validate_HostWithoutDatabase_FailsNamingDatabase()
    {
        var result = _validator.Validate(null, new MySqlOptions { Host = "db" });

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain("MySql:Database"));
    }

    [Test]
    public void Validate_ConnectionStringWithoutDatabase_FailsNamingConnectionString()
    {
        var result = _validator.Validate(null, new MySqlOptions { ConnectionString = "Server=db;User ID=goflow" });

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain("MySql:ConnectionString").And.Contain("Database"));
    }

    [Test]
    public void Validate_MalformedConnectionString_FailsWithoutEchoingThePassword()
    {
        var result = _validator.Validate(
            null, new MySqlOptions { ConnectionString = "Server=db;Password=s3cret;Flavour=vanilla;Database=goflow" });

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain("MySql:ConnectionString").And.Not.Contain("s3cret"));
    }

    [Test]
    public void Validate_NegativeMaxLifetime_FailsNamingIt()
    {
        var result = _validator.Validate(
            null, new MySqlOptions { Host = "db", Database = "goflow", MaxLifetime = TimeSpan.FromSeconds(-1) });

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain("MySql:MaxLifetime"));
    }

    [Test]
    public void Build_FromParts_MapsServerCredentialsAndPool()
    {
        var settings = MySqlConnectionSettings.Build(new MySqlOptions
        {
            Host = "db.internal",
            Port = 3310,
            Username = "app",
            Password = "pw",
            Database = "flows",
            MaxOpenConnections = 40,
            MaxLifetime = TimeSpan.FromMinutes(2),
        });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(settings.Server, Is.EqualTo("db.internal"));
            Assert.That(settings.Port, Is.EqualTo(3310));
            Assert.That(settings.UserID, Is.EqualTo("app"));
            Assert.That(settings.Password, Is.EqualTo("pw"));
            Assert.That(settings.Database, Is.EqualTo("flows"));
            Assert.That(settings.MaximumPoolSize, Is.EqualTo(40));
            Assert.That(settings.MinimumPoolSize, Is.Zero, "MaxIdleConnections is not mapped to a pool minimum");
            Assert.That(settings.ConnectionLifeTime, Is.EqualTo(120));
            Assert.That(settings.DateTimeKind, Is.EqualTo(MySqlDateTimeKind.Utc));
            Assert.That(settings.GuidFormat, Is.EqualTo(MySqlGuidFormat.Char36));
        }
    }

    [Test]
    public void Build_FromConnectionString_IgnoresThePartsButAppliesThePoolOptions()
    {
        var settings = MySqlConnectionSettings.Build(new MySqlOptions
        {
            ConnectionString = "Server=primary;Port=3320;User ID=svc;Database=prod;Maximum Pool Size=3;GuidFormat=None",
            Host = "ignored",
            Database = "ignored",
            MaxOpenConnections = 12,
            MaxLifetime = TimeSpan.Zero,
        });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(settings.Server, Is.EqualTo("primary"));
            Assert.That(settings.Port, Is.EqualTo(3320));
            Assert.That(settings.Database, Is.EqualTo("prod"));
            Assert.That(settings.MaximumPoolSize, Is.EqualTo(12));
            Assert.That(settings.ConnectionLifeTime, Is.Zero, "zero means no limit in both");
            Assert.That(settings.GuidFormat, Is.EqualTo(MySqlGuidFormat.Char36), "the adapter's mapping needs it");
        }
    }

    [Test]
    public void Build_LifetimeWithAFraction_RoundsUpToWholeSeconds()
    {
        var settings = MySqlConnectionSettings.Build(
            new MySqlOptions { Host = "db", Database = "goflow", MaxLifetime = TimeSpan.FromMilliseconds(1500) });

        Assert.That(settings.ConnectionLifeTime, Is.EqualTo(2));
    }

    [Test]
    public void Defaults_AreTheDocumentedOnes()
    {
        var options = new MySqlOptions();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(MySqlOptions.SectionName, Is.EqualTo("MySql"));
            Assert.That(options.Port, Is.EqualTo(3306));
            Assert.That(options.MaxOpenConnections, Is.EqualTo(25));
            Assert.That(options.MaxIdleConnections, Is.EqualTo(5));
            Assert.That(options.MaxLifetime, Is.EqualTo(TimeSpan.FromMinutes(5)));
            Assert.That(options.ApplySchemaOnStart, Is.True);
            Assert.That(options.ConnectionString, Is.Null);
        }
    }
}
