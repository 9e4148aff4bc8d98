using GoFlow.Hosting;

namespace GoFlow.Host.SampleTasks;

internal static class SampleTasksServiceCollectionExtensions
{
    /// <summary>
    /// The sample workflows, defined next to their handlers as the original engine's map was, so that the host knows
    /// them wherever it starts. A <c>Workflows:&lt;Name&gt;</c> section of the same name can change the steps or the
    /// retry and timeout values of that workflow. ApprovedOrder is OrderProcess with an approval between validating and
    /// charging: a step that waits up to two days for the signal <c>approved</c> (ADR 0020).
    /// </summary>
    public static GoFlowBuilder AddSampleWorkflows(this GoFlowBuilder goflow) => goflow
        .AddWorkflow("OrderProcess", workflow => workflow
            .Step<ValidateOrder>()
            .Step<DeductMoney>()
            .Step<SendEmail>())
        .AddWorkflow("ApprovedOrder", workflow => workflow
            .Step<ValidateOrder>()
            .WaitForSignal("AwaitApproval", "approved", TimeSpan.FromDays(2))
            .Step<DeductMoney>()
            .Step<SendEmail>())
        .AddWorkflow("UserOnboarding", workflow => workflow
            .Step<CreateAccount>()
            .Step<SendWelcomeEmail>()
            .Step<AssignRole>());
}
