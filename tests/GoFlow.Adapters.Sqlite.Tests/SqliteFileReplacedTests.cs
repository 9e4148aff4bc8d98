using Dapper;
using GoFlow.Adapters.Sqlite.Tests.Support;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Storage.ContractTests.Builders;
using Microsoft.Data.Sqlite;

namespace GoFlow.Adapters.Sqlite.Tests;

/// <summary>
/// A database file replaced under a running store, as an operator restores a backup by moving a file into place (with
/// the old file's -wal and -shm gone with it): the store's held writer and its pooled readers notice it and use the file
/// at the path, rather than go on with the old one, whose writes nobody would ever see (ADR 0036).
/// </summary>
internal sealed class SqliteFileReplacedTests : SqliteFileFixture
{
    [Test]
    public async Task CreateManyAsync_FileReplacedAfterAWrite_LandsInTheFileNowAtThePath()
    {
        var backedUp = await CreateWorkflowAsync();
        var backup = BackUp();
        var lostWithTheOldFile = await CreateWorkflowAsync();

        MoveIntoPlace(backup);
        var afterTheRestore = await CreateWorkflowAsync();

        Assert.That(
            await WorkflowIdsInTheFileAtThePathAsync(),
            Is.EquivalentTo(new[] { backedUp, afterTheRestore }),
            $"{lostWithTheOldFile} was written to the old file only");
    }

    [Test]
    public async Task FindAsync_FileReplacedAfterAPooledRead_ReadsTheFileNowAtThePath()
    {
        var backup = BackUp();
        var onlyInTheOldFile = await CreateWorkflowAsync();
        Assert.That(await Repository.FindAsync(onlyInTheOldFile, CancellationToken.None), Is.Not.Null, "read once, so a reader is pooled");

        MoveIntoPlace(backup);

        Assert.That(await Repository.FindAsync(onlyInTheOldFile, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task Dispose_AfterTheFileWasReplaced_LeavesTheNewFilesWalInPlace()
    {
        var backup = BackUp();
        await CreateWorkflowAsync();
        MoveIntoPlace(backup);
        var afterTheRestore = await CreateWorkflowAsync();

        // Another process (here: the test) reads the new file and keeps it open, so the write above stays in its -wal
        // file, not checkpointed, when the store closes its connections. The last connection to the old file must not
        // delete the -wal at the path, which is the new file's (SQLite skips that for a file that has moved).
        await using var onTheNewFile = File.Connect();
        Assert.That(await onTheNewFile.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM workflow_instances"), Is.EqualTo(1));
        Database.Dispose();
        SqliteConnection.ClearAllPools();

        Assert.That(
            System.IO.File.Exists(File.Path + "-wal"),
            Is.True,
            "the old file's last connection did not delete the new file's -wal at the path");
        Assert.That(await WorkflowIdsInTheFileAtThePathAsync(), Does.Contain(afterTheRestore));
    }

    [Test]
    public async Task CreateManyAsync_FileDeletedThenRestored_WritesToTheRestoredFile()
    {
        var backedUp = await CreateWorkflowAsync();
        var backup = BackUp();
        var removed = Path.Combine(File.Folder, "removed.db");
        System.IO.File.Move(File.Path, removed);

        Assert.That(async () => await CreateWorkflowAsync(), Throws.InstanceOf<StoreUnavailableException>());

        MoveIntoPlace(backup);
        var afterTheRestore = await CreateWorkflowAsync();

        Assert.That(await WorkflowIdsInTheFileAtThePathAsync(), Is.EquivalentTo(new[] { backedUp, afterTheRestore }));
    }

    private async Task<WorkflowId> CreateWorkflowAsync()
    {
        var (workflow, firstTask) = new WorkflowBuilder().Build();
        await Repository.CreateManyAsync([new NewWorkflow(workflow, firstTask)], CancellationToken.None);
        return workflow.Id;
    }

    /// <summary>A copy of the database as it is now, made with SQLite's backup API, beside it in the folder.</summary>
    private string BackUp()
    {
        var backup = Path.Combine(File.Folder, $"backup-{Guid.NewGuid():N}.db");
        using var source = File.Connect();
        using var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = backup, Pooling = false }.ToString());
        source.BackupDatabase(target);
        return backup;
    }

    /// <summary>
    /// Restores <paramref name="backup"/> as an operator would by hand: the file moved over the database's, and the old
    /// file's -wal and -shm removed (SQLite would otherwise pair them with the restored file).
    /// </summary>
    private void MoveIntoPlace(string backup)
    {
        System.IO.File.Move(backup, File.Path, overwrite: true);
        System.IO.File.Delete(File.Path + "-wal");
        System.IO.File.Delete(File.Path + "-shm");
    }

    private async Task<IReadOnlyList<WorkflowId>> WorkflowIdsInTheFileAtThePathAsync() =>
        [.. (await File.QueryAsync<string>("SELECT id FROM workflow_instances")).Select(SqliteIds.FromDatabase)];
}
