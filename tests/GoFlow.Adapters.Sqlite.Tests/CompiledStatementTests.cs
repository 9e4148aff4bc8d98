using Dapper;
using GoFlow.Adapters.Sqlite.Tests.Support;
using GoFlow.Domain;
using GoFlow.Ports.Driven;
using GoFlow.Storage.ContractTests.Builders;

namespace GoFlow.Adapters.Sqlite.Tests;

/// <summary>
/// What a compiled statement writes to a real file: text bound as UTF-8 (short, on the stack, and long, in a rented
/// buffer), ids and times in their stored form, and an INSERT's rowid.
/// </summary>
internal sealed class CompiledStatementTests : SqliteFileFixture
{
    private const string InsertSchedule =
        "INSERT INTO schedule_states (name, paused, last_workflow_id, last_fire_at, updated_at) VALUES (@Name, 0, @WorkflowId, @FireAt, @UpdatedAt)";

    [TestCase("plain ascii")]
    [TestCase("Grüße, 東京, emoji 🌍 and a lone ß")]
    [TestCase("")]
    public async Task Bind_Text_IsStoredAsTheSameCharacters(string text)
    {
        await InsertScheduleAsync(text, null, null);

        Assert.That(await File.ExecuteScalarAsync<string>("SELECT name FROM schedule_states"), Is.EqualTo(text));
    }

    [Test]
    public async Task Bind_TextLongerThanTheStackBuffer_IsStoredWhole()
    {
        // Multi-byte characters, so that the UTF-8 form is longer than the string's length.
        var text = string.Concat(Enumerable.Repeat("ü東🌍x", 400));

        await InsertScheduleAsync(text, null, null);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await File.ExecuteScalarAsync<string>("SELECT name FROM schedule_states"), Is.EqualTo(text));
            Assert.That(await File.ExecuteScalarAsync<long>("SELECT length(CAST(name AS BLOB)) FROM schedule_states"),
                Is.EqualTo(System.Text.Encoding.UTF8.GetByteCount(text)), "stored as UTF-8, byte for byte");
        }
    }

    [Test]
    public async Task Bind_WorkflowIdAndTime_StoreTheAdaptersTextForms()
    {
        var id = new WorkflowId(Guid.NewGuid());
        var time = new DateTimeOffset(2030, 1, 1, 10, 30, 0, TimeSpan.FromHours(2)).AddTicks(1_234_567);

        await InsertScheduleAsync("s", id, time);

        var rows = await File.QueryAsync<(string WorkflowId, string FireAt, string TypeOfFireAt)>(
            "SELECT last_workflow_id, last_fire_at, typeof(last_fire_at) FROM schedule_states");
        Assert.That(rows, Is.EqualTo(new[] { (SqliteIds.ToDatabase(id), SqliteTime.ToDatabase(time), "text") }));
    }

    [Test]
    public async Task Bind_NoTime_IsNull()
    {
        await InsertScheduleAsync("s", null, null);

        Assert.That(await File.ExecuteScalarAsync<string>("SELECT typeof(last_fire_at) FROM schedule_states"), Is.EqualTo("null"));
    }

    [TestCase(true, TestName = "Run_DirectlyInSqlite_BindsAndReadsBackEachKindOfValue")]
    [TestCase(false, TestName = "Run_ThroughSqlitePcl_BindsAndReadsBackEachKindOfValue")]
    public void Run_EitherWayIntoSqlite_BindsAndReadsBackEachKindOfValue(bool callSqliteDirectly)
    {
        using var connection = File.Connect();
        using var statement = new CompiledStatement(
            connection, "SELECT @Text, @Empty, typeof(@Empty), @Id, @Time, typeof(@Null), @Number", callSqliteDirectly);
        var id = new WorkflowId(Guid.NewGuid());
        var time = new DateTimeOffset(2030, 1, 1, 8, 0, 0, TimeSpan.Zero).AddTicks(10);
        var text = "Grüße 🌍 " + new string('x', 600);

        for (var run = 0; run < 2; run++)
        {
            using var rows = statement
                .Bind("@Text", text).Bind("@Empty", string.Empty).Bind("@Id", id).Bind("@Time", time)
                .Bind("@Null", (string?)null).Bind("@Number", 42L + run)
                .ExecuteReader();
            Assert.That(rows.Read(), Is.True);
            Assert.That(
                (rows.GetString(0), rows.GetString(1), rows.GetString(2), rows.GetString(3), rows.GetString(4), rows.GetString(5), rows.GetInt64(6)),
                Is.EqualTo((text, "", "text", SqliteIds.ToDatabase(id), SqliteTime.ToDatabase(time), "null", 42L + run)),
                $"run {run + 1}");
        }
    }

    [Test]
    public async Task ExecuteInsert_OneRow_ReturnsItsRowid()
    {
        var (workflow, firstTask) = new WorkflowBuilder().Build();
        await Repository.CreateManyAsync([new NewWorkflow(workflow, firstTask)], CancellationToken.None);

        var ids = await Database.WriteAsync(
            async (_, transaction) =>
            {
                var insert = Database.Prepared(
                    transaction, "INSERT INTO activity_logs (workflow_instance_id, action, created_at) VALUES (@WorkflowId, 'TEST', '')");
                long[] inserted = [insert.Bind("@WorkflowId", workflow.Id).ExecuteInsert(), insert.Bind("@WorkflowId", workflow.Id).ExecuteInsert()];
                await transaction.CommitAsync(CancellationToken.None);
                return inserted;
            },
            CancellationToken.None);

        Assert.That(ids, Is.EqualTo(await File.QueryAsync<long>("SELECT id FROM activity_logs WHERE action = 'TEST' ORDER BY id")));
    }

    [Test]
    public async Task ExecuteInsert_NoRowInserted_Throws()
    {
        Assert.That(
            async () => await Database.WriteAsync(
                (_, transaction) => Task.FromResult(
                    Database.Prepared(transaction, "INSERT INTO schedule_states (name, paused, updated_at) SELECT 'x', 0, '' WHERE 0")
                        .ExecuteInsert()),
                CancellationToken.None),
            Throws.InvalidOperationException);
    }

    private Task InsertScheduleAsync(string name, WorkflowId? workflowId, DateTimeOffset? fireAt) =>
        Database.WriteAsync(
            async (_, transaction) =>
            {
                var insert = Database.Prepared(transaction, InsertSchedule).Bind("@Name", name).Bind("@FireAt", fireAt).Bind("@UpdatedAt", "");
                (workflowId is { } id ? insert.Bind("@WorkflowId", id) : insert.Bind("@WorkflowId", (string?)null)).ExecuteNonQuery();
                await transaction.CommitAsync(CancellationToken.None);
                return true;
            },
            CancellationToken.None);
}
