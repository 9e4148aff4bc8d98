using GoFlow.Adapters.Sqlite.Tests.Support;
using GoFlow.Storage.ContractTests;

namespace GoFlow.Adapters.Sqlite.Tests;

// The storage contract (tests/GoFlow.Storage.ContractTests), run against the SQLite adapter on a real file.

internal sealed class SqliteWorkflowRepositoryContractTests : WorkflowRepositoryContract
{
    protected override Task<IStorageUnderTest> CreateStorageAsync() => SqliteStorageUnderTest.CreateAsync();
}

internal sealed class SqliteTaskQueueClaimContractTests : TaskQueueClaimContract
{
    protected override Task<IStorageUnderTest> CreateStorageAsync() => SqliteStorageUnderTest.CreateAsync();
}

internal sealed class SqliteTaskQueueCompletionContractTests : TaskQueueCompletionContract
{
    protected override Task<IStorageUnderTest> CreateStorageAsync() => SqliteStorageUnderTest.CreateAsync();
}

internal sealed class SqliteTaskQueueGroupCompletionContractTests : TaskQueueGroupCompletionContract
{
    protected override Task<IStorageUnderTest> CreateStorageAsync() => SqliteStorageUnderTest.CreateAsync();
}

internal sealed class SqliteTaskQueueRetryContractTests : TaskQueueRetryContract
{
    protected override Task<IStorageUnderTest> CreateStorageAsync() => SqliteStorageUnderTest.CreateAsync();
}

internal sealed class SqliteTaskQueueLeaseContractTests : TaskQueueLeaseContract
{
    protected override Task<IStorageUnderTest> CreateStorageAsync() => SqliteStorageUnderTest.CreateAsync();
}

internal sealed class SqliteTaskQueueRecoveryContractTests : TaskQueueRecoveryContract
{
    protected override Task<IStorageUnderTest> CreateStorageAsync() => SqliteStorageUnderTest.CreateAsync();
}

internal sealed class SqliteTaskQueueConcurrencyContractTests : TaskQueueConcurrencyContract
{
    protected override Task<IStorageUnderTest> CreateStorageAsync() => SqliteStorageUnderTest.CreateAsync();
}

internal sealed class SqliteWorkflowIdempotencyContractTests : WorkflowIdempotencyContract
{
    protected override Task<IStorageUnderTest> CreateStorageAsync() => SqliteStorageUnderTest.CreateAsync();
}

internal sealed class SqliteWorkflowListContractTests : WorkflowListContract
{
    protected override Task<IStorageUnderTest> CreateStorageAsync() => SqliteStorageUnderTest.CreateAsync();
}

internal sealed class SqliteWorkflowCancelContractTests : WorkflowCancelContract
{
    protected override Task<IStorageUnderTest> CreateStorageAsync() => SqliteStorageUnderTest.CreateAsync();
}

internal sealed class SqliteWorkflowRetryContractTests : WorkflowRetryContract
{
    protected override Task<IStorageUnderTest> CreateStorageAsync() => SqliteStorageUnderTest.CreateAsync();
}

internal sealed class SqliteWorkflowRetentionContractTests : WorkflowRetentionContract
{
    protected override Task<IStorageUnderTest> CreateStorageAsync() => SqliteStorageUnderTest.CreateAsync();
}

internal sealed class SqliteWorkflowOperationsConcurrencyContractTests : WorkflowOperationsConcurrencyContract
{
    protected override Task<IStorageUnderTest> CreateStorageAsync() => SqliteStorageUnderTest.CreateAsync();
}

internal sealed class SqliteWorkflowCreateManyContractTests : WorkflowCreateManyContract
{
    protected override Task<IStorageUnderTest> CreateStorageAsync() => SqliteStorageUnderTest.CreateAsync();
}

internal sealed class SqliteWorkflowStatisticsContractTests : WorkflowStatisticsContract
{
    protected override Task<IStorageUnderTest> CreateStorageAsync() => SqliteStorageUnderTest.CreateAsync();
}

internal sealed class SqliteWorkflowSummariesContractTests : WorkflowSummariesContract
{
    protected override Task<IStorageUnderTest> CreateStorageAsync() => SqliteStorageUnderTest.CreateAsync();
}

internal sealed class SqliteTransitionTableContractTests : TransitionTableContract
{
    protected override Task<IStorageUnderTest> CreateStorageAsync() => SqliteStorageUnderTest.CreateAsync();
}

internal sealed class SqliteScheduleStoreContractTests : ScheduleStoreContract
{
    protected override Task<IStorageUnderTest> CreateStorageAsync() => SqliteStorageUnderTest.CreateAsync();
}

internal sealed class SqliteSignalInboxContractTests : SignalInboxContract
{
    protected override Task<IStorageUnderTest> CreateStorageAsync() => SqliteStorageUnderTest.CreateAsync();
}

internal sealed class SqliteTaskQueueSnoozeContractTests : TaskQueueSnoozeContract
{
    protected override Task<IStorageUnderTest> CreateStorageAsync() => SqliteStorageUnderTest.CreateAsync();
}

internal sealed class SqliteTaskStatisticsContractTests : TaskStatisticsContract
{
    protected override Task<IStorageUnderTest> CreateStorageAsync() => SqliteStorageUnderTest.CreateAsync();
}
