using GoFlow.TestSupport;

namespace GoFlow.Adapters.MySql.Tests;

/// <summary>
/// A fixture for the MySQL-only tests (the storage contract covers the rest): its own database, the stores wired to it
/// as the host wires them, and empty tables before each test.
/// </summary>
internal abstract class MySqlDatabaseFixture
{
    private MySqlStorageUnderTest? _storage;

    protected MySqlStorageUnderTest Storage =>
        _storage ?? throw new InvalidOperationException("The fixture has not started.");

    protected TestDatabase Database => Storage.Database;

    [OneTimeSetUp]
    public async Task CreateDatabase() => _storage = await MySqlStorageUnderTest.CreateAsync();

    [OneTimeTearDown]
    public async Task DropDatabase()
    {
        if (_storage is not null)
        {
            await _storage.DisposeAsync();
        }
    }

    [SetUp]
    public Task EmptyTables() => Storage.ResetAsync();
}
