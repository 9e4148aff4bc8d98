using Dapper;
using GoFlow.Adapters.Sqlite.Tests.Support;
using GoFlow.Ports.Driven;
using GoFlow.Storage.ContractTests.Builders;
using Microsoft.Data.Sqlite;

namespace GoFlow.Adapters.Sqlite.Tests;

/// <summary>
/// The writers' held connection: its statements stay compiled from one write to the next, it is set up as every
/// connection of the adapter is (durable commits), and a failed write or a file gone from its path gives it up.
/// </summary>
internal sealed class SqliteDatabaseTests : SqliteFileFixture
{
    private const string Statement = "SELECT COUNT(*) FROM tasks WHERE id = @Id";

    [Test]
    public async Task Prepared_SameStatementInTwoWrites_IsTheSameCompiledCommand()
    {
        var first = await PreparedInAWriteAsync();
        var second = await PreparedInAWriteAsync();

        Assert.That(second, Is.SameAs(first));
    }

    [Test]
    public async Task Prepared_AfterAFailedWrite_IsCompiledOnAFreshConnection()
    {
        var before = await PreparedInAWriteAsync();
        Assert.That(
            async () => await Database.WriteAsync<bool>(
                (_, _) => throw new InvalidOperationException("the write fails"), CancellationToken.None),
            Throws.InvalidOperationException);

        var after = await PreparedInAWriteAsync();

        Assert.That(after, Is.Not.SameAs(before));
    }

    [Test]
    public async Task Prepared_RunTwiceWithNewValues_AnswersForTheValuesOfEachRun()
    {
        var (workflow, firstTask) = new WorkflowBuilder().Build();
        await Repository.CreateManyAsync([new NewWorkflow(workflow, firstTask)], CancellationToken.None);
        var taskId = await File.ExecuteScalarAsync<long>("SELECT id FROM tasks");

        var counts = await Database.WriteAsync(
            (_, transaction) => Task.FromResult((
                Found: (long)Database.Prepared(transaction, Statement).Bind("@Id", taskId).ExecuteScalar()!,
                Missing: (long)Database.Prepared(transaction, Statement).Bind("@Id", taskId + 1).ExecuteScalar()!)),
            CancellationToken.None);

        Assert.That(counts, Is.EqualTo((1L, 0L)));
    }

    [Test]
    public async Task Prepared_ValueNotBoundAgain_IsNullRatherThanTheLastRunsValue()
    {
        var (workflow, firstTask) = new WorkflowBuilder().Build();
        await Repository.CreateManyAsync([new NewWorkflow(workflow, firstTask)], CancellationToken.None);
        var taskId = await File.ExecuteScalarAsync<long>("SELECT id FROM tasks");

        var counts = await Database.WriteAsync(
            (_, transaction) => Task.FromResult((
                Bound: (long)Database.Prepared(transaction, Statement).Bind("@Id", taskId).ExecuteScalar()!,
                NotBound: (long)Database.Prepared(transaction, Statement).ExecuteScalar()!)),
            CancellationToken.None);

        Assert.That(counts, Is.EqualTo((1L, 0L)), "id = NULL matches no row");
    }

    [Test]
    public async Task Prepared_EmptyString_IsBoundAsEmptyTextNotNull()
    {
        var type = await Database.WriteAsync(
            (_, transaction) => Task.FromResult(Database.Prepared(transaction, "SELECT typeof(@Text)").Bind("@Text", "").ExecuteScalar()),
            CancellationToken.None);

        Assert.That(type, Is.EqualTo("text"), "'' is bound as text, not as NULL");
    }

    [Test]
    public async Task Prepared_TransactionOfAConnectionGivenUp_Throws()
    {
        var earlier = await Database.WriteAsync((_, transaction) => Task.FromResult(transaction), CancellationToken.None);
        Assert.That(
            async () => await Database.WriteAsync<bool>(
                (_, _) => throw new InvalidOperationException("the write fails"), CancellationToken.None),
            Throws.InvalidOperationException);

        // The failed write gave the connection up; this write holds a new one. The earlier transaction is then told
        // apart from the current one, not merely refused for want of a writer.
        var refusal = await Database.WriteAsync(
            (_, current) =>
            {
                Assert.That(Database.Prepared(current, Statement), Is.Not.Null, "the current transaction's statement");
                try
                {
                    Database.Prepared(earlier, Statement);
                    return Task.FromResult<Exception?>(null);
                }
                catch (InvalidOperationException exception)
                {
                    return Task.FromResult<Exception?>(exception);
                }
            },
            CancellationToken.None);

        Assert.That(refusal, Is.Not.Null, "a statement for the given-up connection's transaction while a new one is held");
    }

    [Test]
    public async Task WriteAsync_OperationEndsWithoutCommitting_IsRolledBackAndTheNextWriteCommits()
    {
        const string insert = "INSERT INTO schedule_states (name, paused, updated_at) VALUES (@Name, 0, '2030-01-01')";
        await Database.WriteAsync(
            (_, transaction) => Task.FromResult(Database.Prepared(transaction, insert).Bind("@Name", "not committed").ExecuteNonQuery()),
            CancellationToken.None);
        Assert.That(
            async () => await Database.WriteAsync<int>(
                (_, transaction) =>
                {
                    Database.Prepared(transaction, insert).Bind("@Name", "failed").ExecuteNonQuery();
                    throw new InvalidOperationException("the write fails");
                },
                CancellationToken.None),
            Throws.InvalidOperationException);
        await Database.WriteAsync(
            async (_, transaction) =>
            {
                Database.Prepared(transaction, insert).Bind("@Name", "committed").ExecuteNonQuery();
                await transaction.CommitAsync(CancellationToken.None);
                return 0;
            },
            CancellationToken.None);

        Assert.That(await File.QueryAsync<string>("SELECT name FROM schedule_states"), Is.EqualTo(new[] { "committed" }));
    }

    [Test]
    public async Task WriteAsync_HeldConnection_CommitsWithFullSyncAndWaitsOutTheBusyTimeout()
    {
        // Twice, so that the second write runs on the connection held since the first.
        await Database.WriteAsync((connection, _) => Task.FromResult(0), CancellationToken.None);
        var settings = await Database.WriteAsync(
            async (connection, transaction) => (
                Synchronous: await connection.ExecuteScalarAsync<long>("PRAGMA synchronous"),
                BusyTimeout: await connection.ExecuteScalarAsync<long>("PRAGMA busy_timeout")),
            CancellationToken.None);

        Assert.That(settings, Is.EqualTo((2L, (long)BusyTimeout.TotalMilliseconds)), "synchronous 2 is FULL");
    }

    [Test]
    public async Task CreateManyAsync_FileDeletedAfterAWrite_ThrowsStoreUnavailable()
    {
        var (earlier, earlierTask) = new WorkflowBuilder().Build();
        await Repository.CreateManyAsync([new NewWorkflow(earlier, earlierTask)], CancellationToken.None);
        SqliteConnection.ClearAllPools();
        System.IO.File.Delete(File.Path);
        System.IO.File.Delete(File.Path + "-wal");
        System.IO.File.Delete(File.Path + "-shm");

        var (workflow, firstTask) = new WorkflowBuilder().Build();

        Assert.That(
            async () => await Repository.CreateManyAsync([new NewWorkflow(workflow, firstTask)], CancellationToken.None),
            Throws.InstanceOf<StoreUnavailableException>());
        Assert.That(System.IO.File.Exists(File.Path), Is.False, "the store does not create an empty file in its place");
    }

    private Task<CompiledStatement> PreparedInAWriteAsync() =>
        Database.WriteAsync((_, transaction) => Task.FromResult(Database.Prepared(transaction, Statement)), CancellationToken.None);
}
