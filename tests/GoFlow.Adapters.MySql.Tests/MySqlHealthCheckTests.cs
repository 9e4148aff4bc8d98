using System.Net;
using System.Net.Sockets;
using GoFlow.TestSupport;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MySqlConnector;

namespace GoFlow.Adapters.MySql.Tests;

/// <summary>The readiness check of the MySQL store, on the real server: reachable with its tables, without them, unreachable.</summary>
internal sealed class MySqlHealthCheckTests
{
    [Test]
    public async Task CheckHealthAsync_DatabaseWithSchema_IsHealthy()
    {
        await using var database = await TestDatabase.CreateAsync();

        var result = await CheckAsync(database.ConnectionString);

        Assert.That(result.Status, Is.EqualTo(HealthStatus.Healthy), result.Description);
    }

    [Test]
    public async Task CheckHealthAsync_DatabaseWithoutTables_IsUnhealthyNamingTheTables()
    {
        await using var database = await TestDatabase.CreateAsync("CREATE TABLE something_else (id INT PRIMARY KEY)");

        var result = await CheckAsync(database.ConnectionString);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Status, Is.EqualTo(HealthStatus.Unhealthy));
            Assert.That(result.Description, Is.EqualTo("The MySQL server answers, but GoFlow's database or tables are missing."));
            Assert.That(result.Exception, Is.InstanceOf<MySqlException>());
        }
    }

    [Test]
    public async Task CheckHealthAsync_ServerRefusesConnections_IsUnhealthyWithoutNamingTheServer()
    {
        var port = ClosedPort();

        var result = await CheckAsync($"Server=127.0.0.1;Port={port};User ID=goflow;Password=goflow;Database=goflow");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Status, Is.EqualTo(HealthStatus.Unhealthy));
            Assert.That(result.Description, Is.EqualTo("The MySQL database cannot be reached."));
            Assert.That(result.Exception, Is.Not.Null, "the health check service logs the exception");
        }
    }

    private static async Task<HealthCheckResult> CheckAsync(string connectionString)
    {
        await using var dataSource = MySqlConnectionSettings.CreateDataSource(new MySqlOptions { ConnectionString = connectionString });
        return await new MySqlHealthCheck(dataSource).CheckHealthAsync(new HealthCheckContext(), CancellationToken.None);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
