using GoFlow.TestSupport;

namespace GoFlow.Host.Tests.Reliability;

/// <summary>
/// A fresh database and an empty cluster of host processes for each test, both torn down after it, processes first.
/// </summary>
public abstract class ClusterFixture
{
    private protected TestDatabase Database { get; private set; } = null!;

    private protected HostCluster Cluster { get; private set; } = null!;

    private protected RunInspector Inspector { get; private set; } = null!;

    [SetUp]
    public async Task CreateDatabase()
    {
        Database = await TestDatabase.CreateAsync();
        Cluster = new HostCluster();
        Inspector = new RunInspector(Database.ConnectionString);
    }

    [TearDown]
    public async Task TearDown()
    {
        try
        {
            await Cluster.DisposeAsync();
        }
        finally
        {
            await Database.DisposeAsync();
        }
    }
}
