using GoFlow.Hosting;

namespace GoFlow.Host.SampleTasks;

internal static class SampleTasksServiceCollectionExtensions
{
    /// <summary>
    /// The two sample workflows, defined next to their handlers as the original engine's map was, so that the host
    /// knows them wherever it starts. A <c>Workflows:OrderProcess</c> or <c>Workflows:UserOnboarding</c> section can
    /// change the steps or the retry and timeout values of that workflow.
    /// </summary>
    public static GoFlowBuilder AddSampleWorkflows(this GoFlowBuilder goflow) => goflow
        .AddWorkflow("OrderProcess", workflow => workflow
            .Step<ValidateOrder>()
            .Step<DeductMoney>()
            .Step<SendEmail>())
        .AddWorkflow("UserOnboarding", workflow => workflow
            .Step<CreateAccount>()
            .Step<SendWelcomeEmail>()
            .Step<AssignRole>());
}
