using System.Collections;
using GoFlow.Adapters.MySql;
using GoFlow.Adapters.Sqlite;
using GoFlow.Hosting.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace GoFlow.Host.Tests.Configuration;

public sealed class StorageSelectionTests
{
    [Test]
    public void From_NothingAboutStorage_PicksSqlite()
    {
        Assert.That(StorageSelection.From(Configuration([])).Store, Is.EqualTo(StoreKind.Sqlite));
    }

    [Test]
    public void From_TheShippedAppSettings_PicksSqlite()
    {
        // What a fresh clone runs with: appsettings.json alone must not count as a configured MySQL.
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepositoryRoot(), "GoFlow.Host", "appsettings.json"), optional: false)
            .Build();

        Assert.That(StorageSelection.From(configuration).Store, Is.EqualTo(StoreKind.Sqlite));
    }

    [TestCase("MySql:Host", "db.internal")]
    [TestCase("MySql:ConnectionString", "Server=db.internal;Database=go_flow")]
    public void From_MySqlServerOrConnectionString_PicksMySql(string key, string value)
    {
        Assert.That(StorageSelection.From(Configuration(new() { [key] = value })).Store, Is.EqualTo(StoreKind.MySql));
    }

    [Test]
    public void From_DbHostVariable_PicksMySql()
    {
        var legacy = LegacyEnvironmentVariables.Map(new Hashtable { ["DB_HOST"] = "db.internal" });

        Assert.That(StorageSelection.From(Configuration(legacy)).Store, Is.EqualTo(StoreKind.MySql));
    }

    [TestCase("MySql:Host", "")]
    [TestCase("MySql:Host", "  ")]
    [TestCase("MySql:ConnectionString", "")]
    [TestCase("MySql:Database", "go_flow")]
    [TestCase("MySql:Password", "secret")]
    public void From_MySqlSettingsWithoutServer_PicksSqlite(string key, string value)
    {
        Assert.That(StorageSelection.From(Configuration(new() { [key] = value })).Store, Is.EqualTo(StoreKind.Sqlite));
    }

    [Test]
    public void Describe_MySqlParts_NamesServerPortAndDatabaseButNotThePassword()
    {
        var description = StorageSelection.Describe(
            new MySqlOptions { Host = "db.internal", Port = 3310, Username = "flow", Password = "s3cret", Database = "go_flow" });

        Assert.That(description, Is.EqualTo("MySQL database go_flow on db.internal:3310"));
    }

    [Test]
    public void Describe_MySqlConnectionString_NamesServerPortAndDatabaseButNotThePassword()
    {
        var description = StorageSelection.Describe(new MySqlOptions
        {
            ConnectionString = "Server=primary;Port=3320;User ID=svc;Password=s3cret;Database=prod",
        });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(description, Is.EqualTo("MySQL database prod on primary:3320"));
            Assert.That(description, Does.Not.Contain("s3cret").And.Not.Contain("svc"));
        }
    }

    [Test]
    public void Describe_Sqlite_NamesTheFilesFullPath()
    {
        var description = StorageSelection.Describe(new SqliteOptions { Path = "goflow.db" });

        Assert.That(description, Is.EqualTo($"SQLite database {Path.Combine(Directory.GetCurrentDirectory(), "goflow.db")}"));
    }

    [Test]
    public async Task StartAsync_Announcement_LogsTheStore()
    {
        var logger = new RecordingLogger();

        await new StorageAnnouncement("SQLite database /data/goflow.db", logger).StartAsync(CancellationToken.None);

        Assert.That(logger.Messages, Is.EqualTo(new[] { "Information: Storing workflows in SQLite database /data/goflow.db" }));
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GoFlow.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No GoFlow.sln above {AppContext.BaseDirectory}.");
    }

    private sealed class RecordingLogger : ILogger<StorageAnnouncement>
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(
            LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add($"{logLevel}: {formatter(state, exception)}");
    }
}
