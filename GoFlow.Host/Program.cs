using GoFlow.Host.SampleTasks;
using GoFlow.Hosting;

return GoFlowHost.Run(args, builder => builder.Services.AddGoFlow(builder.Configuration, goflow => goflow
    .AddSampleWorkflows()
    .AddWorker())
    .AddTestOnlyTaskHandlers(builder.Configuration));

/// <summary>The entry point, public so that tests can host it with WebApplicationFactory.</summary>
public partial class Program;
