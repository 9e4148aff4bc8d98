using System.Net;
using System.Net.Sockets;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Storage.ContractTests.Builders;
using MySqlConnector;

namespace GoFlow.Adapters.MySql.Tests;

/// <summary>
/// A database that cannot be reached is reported as <see cref="StoreUnavailableException"/> by every public method of
/// both stores, whether the server refuses the connection or drops it in the middle of a command; a statement over the
/// server's packet limit as <see cref="PayloadTooLargeForStoreException"/>, however the driver sees the refusal.
/// </summary>
internal sealed class MySqlAvailabilityTests : MySqlDatabaseFixture
{
    private static readonly DateTimeOffset Now = TestTimes.Start.AddSeconds(1);

    private static readonly ClaimedTask SomeClaimedTask = new(
        new TaskId(1), WorkflowId.New(TestTimes.Start), "OrderProcess", 0, "ValidateOrder", "{}", 1, 3, "worker-a",
        Now + TestTimes.Lease);

    /// <summary>Every public method of the two stores, called with plausible arguments.</summary>
    private static readonly Dictionary<string, Func<IWorkflowRepository, ITaskQueue, Task>> Operations = new()
    {
        ["CreateManyAsync"] = (repository, _) =>
        {
            var (workflow, firstTask) = new WorkflowBuilder().Build();
            return repository.CreateManyAsync([new NewWorkflow(workflow, firstTask)], CancellationToken.None);
        },
        ["FindAsync"] = (repository, _) => repository.FindAsync(WorkflowId.New(TestTimes.Start), CancellationToken.None),
        ["GetActivityAsync"] = (repository, _) => repository.GetActivityAsync(WorkflowId.New(TestTimes.Start), CancellationToken.None),
        ["ClaimAsync"] = (_, queue) => queue.ClaimAsync(new ClaimBuilder().Build(), CancellationToken.None),
        ["CompleteAsync"] = (_, queue) => queue.CompleteAsync([new TaskCompletion(SomeClaimedTask, "{}", Advance: null)], Now, CancellationToken.None),
        ["FailAsync"] = (_, queue) => queue.FailAsync(new TaskFailure(SomeClaimedTask, "boom", null, Now), CancellationToken.None),
        ["FailAsync with retry"] = (_, queue) => queue.FailAsync(new TaskFailure(SomeClaimedTask, "boom", Now.AddSeconds(1), Now), CancellationToken.None),
        ["RenewLeasesAsync"] = (_, queue) => queue.RenewLeasesAsync(
            new LeaseRenewal("worker-a", [new TaskClaim(SomeClaimedTask.Id, 1)], Now + TestTimes.Lease, Now), CancellationToken.None),
        ["ReleaseAsync"] = (_, queue) => queue.ReleaseAsync(SomeClaimedTask, Now, CancellationToken.None),
        ["RecoverExpiredLeasesAsync"] = (_, queue) => queue.RecoverExpiredLeasesAsync(Now, 10, CancellationToken.None),
    };

    private static IEnumerable<string> OperationNames => Operations.Keys;

    [TestCaseSource(nameof(OperationNames))]
    public async Task PublicMethod_ServerRefusesConnections_ThrowsStoreUnavailable(string operation)
    {
        await using var dataSource = MySqlConnectionSettings.CreateDataSource(new MySqlOptions
        {
            ConnectionString = $"Server=127.0.0.1;Port={ClosedPort()};User ID=goflow;Password=goflow;Database=goflow",
        });

        await using var heldConnections = new HeldConnections(dataSource, new MySqlOptions());
        var call = Operations[operation](
            new MySqlWorkflowRepository(dataSource, heldConnections), new MySqlTaskQueue(dataSource, heldConnections));

        var thrown = Assert.ThrowsAsync<StoreUnavailableException>(async () => await call);
        Assert.That(thrown!.InnerException, Is.InstanceOf<MySqlException>());
    }

    [Test]
    public async Task SchemaInitializerStart_ServerUnreachable_KeepsTryingUntilStopped()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new MySqlOptions
        {
            ConnectionString = $"Server=127.0.0.1;Port={ClosedPort()};User ID=goflow;Password=goflow;Database=goflow",
        });
        await using var dataSource = MySqlConnectionSettings.CreateDataSource(options.Value);
        var logs = new Microsoft.Extensions.Logging.Testing.FakeLogger<MySqlSchemaInitializer>();
        var initializer = new MySqlSchemaInitializer(options, dataSource, logs);
        using var stopping = new CancellationTokenSource();

        var start = initializer.StartAsync(stopping.Token);
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(30);
        while (logs.Collector.Count < 2)
        {
            Assert.That(TimeProvider.System.GetUtcNow(), Is.LessThan(deadline), "no second try within 30 s");
            Assert.That(start.IsCompleted, Is.False, "the start gave up while the server was unreachable");
            await Task.Delay(50);
        }

        await stopping.CancelAsync();
        Assert.That(async () => await start, Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task CompleteAsync_ConnectionLostMidCommand_ThrowsStoreUnavailableAndChangesNothing(
        CancellationToken cancellationToken)
    {
        var workflow = await new WorkflowBuilder().Named("Single").WithTasks("Only").CreateAsync(Storage.Repository);
        var claimed = await Storage.Queue.ClaimAsync(new ClaimBuilder().Build(), cancellationToken);
        var before = await Storage.SnapshotAsync();

        // Another transaction holds the task's row, so the completion's first statement on it (whichever it is: a
        // guarded UPDATE or a locking read of the claims) waits on it; the server then drops the completion's connection
        // while the command is in flight.
        await using var blocker = new MySqlConnection(Database.ConnectionString);
        await blocker.OpenAsync(cancellationToken);
        await using var blockerTransaction = await blocker.BeginTransactionAsync(cancellationToken);
        await using (var lockRow = new MySqlCommand("SELECT id FROM tasks FOR UPDATE", blocker, blockerTransaction))
        {
            await lockRow.ExecuteScalarAsync(cancellationToken);
        }

        var completion = Storage.Queue.CompleteAsync([new TaskCompletion(claimed[0], "{}", Advance: null)], Now, cancellationToken);
        var waitingConnection = await WaitForConnectionWaitingOnTasksAsync(blocker.ServerThread, cancellationToken);
        await Database.ExecuteAsync($"KILL CONNECTION {waitingConnection}");

        var thrown = Assert.ThrowsAsync<StoreUnavailableException>(async () => await completion);
        await blockerTransaction.RollbackAsync(cancellationToken);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(thrown!.InnerException, Is.InstanceOf<MySqlException>());
            Assert.That(await Storage.SnapshotAsync(), Is.EqualTo(before), "the lost transaction rolled back");
            Assert.That((await Storage.Repository.FindAsync(workflow.Id, cancellationToken))!.Tasks[0].Status,
                Is.EqualTo(WorkflowTaskStatus.Running), "the store works again at once");
        }
    }

    [Test]
    public async Task CompleteAsync_OutputOverTheServersPacketLimit_ThrowsPayloadTooLargeAndChangesNothing()
    {
        var workflow = await new WorkflowBuilder().Named("Single").WithTasks("Only").CreateAsync(Storage.Repository);
        var claimed = await Storage.Queue.ClaimAsync(new ClaimBuilder().Build(), CancellationToken.None);
        var before = await Storage.SnapshotAsync();

        var thrown = Assert.ThrowsAsync<PayloadTooLargeForStoreException>(async () => await Storage.Queue.CompleteAsync(
            [new TaskCompletion(claimed[0], await OverThePacketLimitAsync(), Advance: null)], Now, CancellationToken.None));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(thrown!.InnerException, Is.InstanceOf<MySqlException>());
            Assert.That(await Storage.SnapshotAsync(), Is.EqualTo(before), "the refused transaction rolled back");
            Assert.That((await Storage.Repository.FindAsync(workflow.Id, CancellationToken.None))!.Tasks[0].Status,
                Is.EqualTo(WorkflowTaskStatus.Running), "the store works again at once");
        }
    }

    [Test]
    public async Task CreateManyAsync_InputOverTheServersPacketLimit_ThrowsPayloadTooLargeAndCreatesNothing()
    {
        var (workflow, firstTask) = new WorkflowBuilder().WithInput(await OverThePacketLimitAsync()).Build();

        Assert.ThrowsAsync<PayloadTooLargeForStoreException>(async () =>
            await Storage.Repository.CreateManyAsync([new NewWorkflow(workflow, firstTask)], CancellationToken.None));

        Assert.That(await Storage.SnapshotAsync(), Is.Empty);
    }

    [Test]
    public async Task RunAsync_LargeWriteCutOffOnceThenWritten_RunsItAgainAndAnswers()
    {
        var payload = await OverThePacketLimitAsync();
        Exception? first = null;
        var runs = 0;

        var answer = await MySqlAvailability.RunAsync(async () =>
        {
            if (++runs > 1)
            {
                return "written";
            }

            try
            {
                await SendAsync(payload);
            }
            catch (MySqlException exception)
            {
                first = exception;
                throw;
            }

            return "not cut off";
        });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first is not null && MySqlAvailability.IsLargeWriteCutOff(first), Is.True, $"the test's own setup: {first}");
            Assert.That(answer, Is.EqualTo("written"), "a connection lost while a large statement was sent is not a refusal");
            Assert.That(runs, Is.EqualTo(2));
        }
    }

    [Test]
    public async Task RunAsync_LargeWriteCutOffThenServerUnreachable_ThrowsStoreUnavailable()
    {
        var payload = await OverThePacketLimitAsync();
        var closed = $"Server=127.0.0.1;Port={ClosedPort()};User ID=goflow;Password=goflow;Database=goflow";
        var runs = 0;

        var thrown = Assert.ThrowsAsync<StoreUnavailableException>(() => MySqlAvailability.RunAsync(async () =>
        {
            await (++runs == 1 ? SendAsync(payload) : SendAsync("{}", closed));
            return runs;
        }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(thrown!.InnerException, Is.InstanceOf<MySqlException>());
            Assert.That(runs, Is.EqualTo(2), "a cut-off large write is run once more before it is judged");
        }
    }

    [Test]
    public async Task PublicMethod_ServerRejectsTheStatement_PassesTheErrorOnUnchanged()
    {
        var (workflow, firstTask) = new WorkflowBuilder().Build();
        await Storage.Repository.CreateManyAsync([new NewWorkflow(workflow, firstTask)], CancellationToken.None);

        // The same workflow twice: a duplicate key is a bug in the caller, not an outage.
        var thrown = Assert.ThrowsAsync<MySqlException>(async () =>
            await Storage.Repository.CreateManyAsync([new NewWorkflow(workflow, firstTask)], CancellationToken.None));

        Assert.That(thrown!.ErrorCode, Is.EqualTo(MySqlErrorCode.DuplicateKeyEntry));
    }

    [Test]
    public void IsConnectionFailure_TransportFailuresAnywhereInside_AreOutages()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(MySqlAvailability.IsConnectionFailure(new SocketException((int)SocketError.ConnectionRefused)), Is.True);
            Assert.That(MySqlAvailability.IsConnectionFailure(
                new InvalidOperationException("wrapped", new EndOfStreamException())), Is.True);
            Assert.That(MySqlAvailability.IsConnectionFailure(new InvalidOperationException("a bug")), Is.False);
            Assert.That(MySqlAvailability.IsConnectionFailure(new OperationCanceledException()), Is.False);
        }
    }

    /// <summary>
    /// A JSON document twice as large as the server's max_allowed_packet: any statement that carries it is over the
    /// limit, and so large that the server hangs up while the driver is still sending it.
    /// </summary>
    private async Task<string> OverThePacketLimitAsync()
    {
        var limit = await Database.ExecuteScalarAsync<long>("SELECT @@max_allowed_packet");
        return $$"""{"note":"{{new string('x', checked((int)(2 * limit)))}}"}""";
    }

    /// <summary>
    /// Sends a statement carrying <paramref name="payload"/> on a connection of its own, to this test's database unless
    /// <paramref name="connectionString"/> names another.
    /// </summary>
    private async Task SendAsync(string payload, string? connectionString = null)
    {
        await using var connection = new MySqlConnection(connectionString ?? Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand("SELECT LENGTH(@Payload)", connection);
        command.Parameters.AddWithValue("@Payload", payload);
        await command.ExecuteScalarAsync();
    }

    /// <summary>A TCP port on 127.0.0.1 that nothing listens on: bound once by the system, then closed.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>
    /// The id of the connection of this test's database, other than <paramref name="blockerId"/> and the one asking, that
    /// is in the middle of a statement on the tasks table.
    /// </summary>
    private async Task<long> WaitForConnectionWaitingOnTasksAsync(int blockerId, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ids = await Database.QueryAsync<long>(
                """
                SELECT ID FROM information_schema.PROCESSLIST
                WHERE DB = DATABASE() AND COMMAND = 'Query' AND ID NOT IN (CONNECTION_ID(), @BlockerId)
                  AND INFO LIKE '%tasks%'
                """,
                new { BlockerId = blockerId });
            if (ids.Count > 0)
            {
                return ids[0];
            }

            await Task.Delay(20, cancellationToken);
        }
    }
}
