using GoFlow.Storage.ContractTests;

namespace GoFlow.Adapters.MySql.Tests.Contract;

// The storage contract (tests/GoFlow.Storage.ContractTests) run against the MySQL stores, one fixture per contract, each
// with a database of its own.

internal sealed class MySqlWorkflowRepositoryContractTests : WorkflowRepositoryContract
{
    protected override async Task<IStorageUnderTest> CreateStorageAsync() => await MySqlStorageUnderTest.CreateAsync();
}

internal sealed class MySqlTaskQueueClaimContractTests : TaskQueueClaimContract
{
    protected override async Task<IStorageUnderTest> CreateStorageAsync() => await MySqlStorageUnderTest.CreateAsync();
}

internal sealed class MySqlTaskQueueCompletionContractTests : TaskQueueCompletionContract
{
    protected override async Task<IStorageUnderTest> CreateStorageAsync() => await MySqlStorageUnderTest.CreateAsync();
}

internal sealed class MySqlTaskQueueGroupCompletionContractTests : TaskQueueGroupCompletionContract
{
    protected override async Task<IStorageUnderTest> CreateStorageAsync() => await MySqlStorageUnderTest.CreateAsync();
}

internal sealed class MySqlTaskQueueRetryContractTests : TaskQueueRetryContract
{
    protected override async Task<IStorageUnderTest> CreateStorageAsync() => await MySqlStorageUnderTest.CreateAsync();
}

internal sealed class MySqlTaskQueueLeaseContractTests : TaskQueueLeaseContract
{
    protected override async Task<IStorageUnderTest> CreateStorageAsync() => await MySqlStorageUnderTest.CreateAsync();
}

internal sealed class MySqlTaskQueueRecoveryContractTests : TaskQueueRecoveryContract
{
    protected override async Task<IStorageUnderTest> CreateStorageAsync() => await MySqlStorageUnderTest.CreateAsync();
}

internal sealed class MySqlTaskQueueConcurrencyContractTests : TaskQueueConcurrencyContract
{
    protected override async Task<IStorageUnderTest> CreateStorageAsync() => await MySqlStorageUnderTest.CreateAsync();
}

internal sealed class MySqlWorkflowIdempotencyContractTests : WorkflowIdempotencyContract
{
    protected override async Task<IStorageUnderTest> CreateStorageAsync() => await MySqlStorageUnderTest.CreateAsync();
}

internal sealed class MySqlWorkflowListContractTests : WorkflowListContract
{
    protected override async Task<IStorageUnderTest> CreateStorageAsync() => await MySqlStorageUnderTest.CreateAsync();
}

internal sealed class MySqlWorkflowCancelContractTests : WorkflowCancelContract
{
    protected override async Task<IStorageUnderTest> CreateStorageAsync() => await MySqlStorageUnderTest.CreateAsync();
}

internal sealed class MySqlWorkflowRetryContractTests : WorkflowRetryContract
{
    protected override async Task<IStorageUnderTest> CreateStorageAsync() => await MySqlStorageUnderTest.CreateAsync();
}

internal sealed class MySqlWorkflowRetentionContractTests : WorkflowRetentionContract
{
    protected override async Task<IStorageUnderTest> CreateStorageAsync() => await MySqlStorageUnderTest.CreateAsync();
}

internal sealed class MySqlWorkflowOperationsConcurrencyContractTests : WorkflowOperationsConcurrencyContract
{
    protected override async Task<IStorageUnderTest> CreateStorageAsync() => await MySqlStorageUnderTest.CreateAsync();
}

internal sealed class MySqlWorkflowCreateManyContractTests : WorkflowCreateManyContract
{
    protected override async Task<IStorageUnderTest> CreateStorageAsync() => await MySqlStorageUnderTest.CreateAsync();
}

internal sealed class MySqlWorkflowStatisticsContractTests : WorkflowStatisticsContract
{
    protected override async Task<IStorageUnderTest> CreateStorageAsync() => await MySqlStorageUnderTest.CreateAsync();
}

internal sealed class MySqlWorkflowSummariesContractTests : WorkflowSummariesContract
{
    protected override async Task<IStorageUnderTest> CreateStorageAsync() => await MySqlStorageUnderTest.CreateAsync();
}

internal sealed class MySqlTransitionTableContractTests : TransitionTableContract
{
    protected override async Task<IStorageUnderTest> CreateStorageAsync() => await MySqlStorageUnderTest.CreateAsync();
}

internal sealed class MySqlScheduleStoreContractTests : ScheduleStoreContract
{
    protected override async Task<IStorageUnderTest> CreateStorageAsync() => await MySqlStorageUnderTest.CreateAsync();
}

internal sealed class MySqlSignalInboxContractTests : SignalInboxContract
{
    protected override async Task<IStorageUnderTest> CreateStorageAsync() => await MySqlStorageUnderTest.CreateAsync();
}

internal sealed class MySqlTaskQueueSnoozeContractTests : TaskQueueSnoozeContract
{
    protected override async Task<IStorageUnderTest> CreateStorageAsync() => await MySqlStorageUnderTest.CreateAsync();
}

internal sealed class MySqlTaskStatisticsContractTests : TaskStatisticsContract
{
    protected override async Task<IStorageUnderTest> CreateStorageAsync() => await MySqlStorageUnderTest.CreateAsync();
}
