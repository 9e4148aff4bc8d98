using Dapper;
using GoFlow.Adapters.Sqlite.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GoFlow.Adapters.Sqlite.Tests;

/// <summary>The readiness check of the SQLite store, on a real file: there with its tables, missing, without tables.</summary>
internal sealed class SqliteHealthCheckTests
{
    [Test]
    public async Task CheckHealthAsync_FilePreparedAtStart_IsHealthy()
    {
        using var file = new TestSqliteFile();
        var database = new SqliteDatabase(file.Options());
        await new SqliteSchemaInitializer(Options.Create(file.Options()), database, NullLogger<SqliteSchemaInitializer>.Instance)
            .ApplyAsync(CancellationToken.None);

        var result = await CheckAsync(database);

        Assert.That(result.Status, Is.EqualTo(HealthStatus.Healthy), result.Description);
    }

    [Test]
    public async Task CheckHealthAsync_FileMissing_IsUnhealthyAndCreatesNoFile()
    {
        using var file = new TestSqliteFile();

        var result = await CheckAsync(new SqliteDatabase(file.Options()));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Status, Is.EqualTo(HealthStatus.Unhealthy));
            Assert.That(result.Description, Is.EqualTo("The SQLite database file cannot be opened."));
            Assert.That(result.Exception, Is.InstanceOf<SqliteException>());
            Assert.That(File.Exists(file.Path), Is.False, "a check never creates an empty database in place of the real one");
        }
    }

    [Test]
    public async Task CheckHealthAsync_FileWithoutGoFlowTables_IsUnhealthy()
    {
        using var file = new TestSqliteFile();
        await using (var connection = file.Connect())
        {
            await connection.ExecuteAsync("CREATE TABLE something_else (id INTEGER PRIMARY KEY)");
        }

        var result = await CheckAsync(new SqliteDatabase(file.Options()));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Status, Is.EqualTo(HealthStatus.Unhealthy));
            Assert.That(result.Description, Is.EqualTo("The SQLite database file opens, but its tables are missing."));
        }
    }

    private static Task<HealthCheckResult> CheckAsync(SqliteDatabase database) =>
        new SqliteHealthCheck(database).CheckHealthAsync(new HealthCheckContext(), CancellationToken.None);
}
