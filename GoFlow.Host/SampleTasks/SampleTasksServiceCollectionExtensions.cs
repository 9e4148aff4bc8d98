using GoFlow.Application;

namespace GoFlow.Host.SampleTasks;

internal static class SampleTasksServiceCollectionExtensions
{
    /// <summary>Registers the handlers of the OrderProcess and UserOnboarding sample workflows.</summary>
    public static IServiceCollection AddSampleTaskHandlers(this IServiceCollection services) => services
        .AddGoFlowTaskHandler<ValidateOrder>(nameof(ValidateOrder))
        .AddGoFlowTaskHandler<DeductMoney>(nameof(DeductMoney))
        .AddGoFlowTaskHandler<SendEmail>(nameof(SendEmail))
        .AddGoFlowTaskHandler<CreateAccount>(nameof(CreateAccount))
        .AddGoFlowTaskHandler<SendWelcomeEmail>(nameof(SendWelcomeEmail))
        .AddGoFlowTaskHandler<AssignRole>(nameof(AssignRole));
}
