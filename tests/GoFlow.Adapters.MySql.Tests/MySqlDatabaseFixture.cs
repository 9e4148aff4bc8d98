using System.Text.Json;
using GoFlow.Domain;
using GoFlow.Testing;
using MySqlConnector;

namespace GoFlow.Adapters.MySql.Tests;

/// <summary>
/// A fixture with its own database, the adapter wired to it as the host wires it, and empty tables before each test
/// (a claim sees every PENDING task in the database, so tests must not see each other's rows).
/// </summary>
internal abstract class MySqlDatabaseFixture
{
    private MySqlDataSource? _dataSource;
    private TestDatabase? _database;

    protected TestDatabase Database => _database ?? throw new InvalidOperationException("The fixture has not started.");

    protected MySqlWorkflowRepository Repository { get; private set; } = null!;

    protected MySqlTaskQueue Queue { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase()
    {
        _database = await TestDatabase.CreateAsync();
        _dataSource = MySqlConnectionSettings.CreateDataSource(new MySqlOptions { ConnectionString = _database.ConnectionString });
        Repository = new MySqlWorkflowRepository(_dataSource);
        Queue = new MySqlTaskQueue(_dataSource);
    }

    [OneTimeTearDown]
    public async Task DropDatabase()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [SetUp]
    public Task EmptyTables() => Database.ResetAsync();

    /// <summary>
    /// Every row of the three tables as text, to prove that a rejected write changed nothing (not even updated_at).
    /// </summary>
    protected async Task<string> SnapshotAsync()
    {
        var workflows = await Database.QueryAsync<string>(
            "SELECT JSON_ARRAY(id, workflow_name, status, current_input, created_at, updated_at) FROM workflow_instances ORDER BY id");
        var tasks = await Database.QueryAsync<string>(
            """
            SELECT JSON_ARRAY(id, workflow_instance_id, step_index, task_name, status, attempt, input_payload,
                              output_payload, error_message, lease_owner, lease_expires_at, scheduled_at, created_at, updated_at)
            FROM tasks ORDER BY id
            """);
        var activity = await Database.QueryAsync<string>(
            "SELECT JSON_ARRAY(id, workflow_instance_id, task_id, action, details, created_at) FROM activity_logs ORDER BY id");
        return string.Join('\n', workflows.Concat(tasks).Concat(activity));
    }

    protected async Task<IReadOnlyList<string>> ActionsOfAsync(WorkflowId id)
    {
        var activity = await Repository.GetActivityAsync(id, CancellationToken.None);
        return [.. activity!.Select(entry => entry.Action)];
    }

    protected static bool SameJson(string expected, string actual) =>
        System.Text.Json.Nodes.JsonNode.DeepEquals(
            System.Text.Json.Nodes.JsonNode.Parse(expected), System.Text.Json.Nodes.JsonNode.Parse(actual));

    protected static JsonElement ParseJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
