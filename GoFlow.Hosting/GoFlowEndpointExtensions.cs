using GoFlow.Adapters.Dashboard;
using GoFlow.Adapters.Http;
using GoFlow.Hosting.Configuration;

namespace GoFlow.Hosting;

public static class GoFlowEndpointExtensions
{
    /// <summary>
    /// Puts GoFlow's middleware in the pipeline (problem details, API keys) and maps its routes: the REST API
    /// (<c>/workflows</c>, <c>/workflow-definitions</c>, <c>/openapi/v1.json</c>), the probes (<c>/health/live</c>,
    /// <c>/health/ready</c>), the metrics (<c>/metrics</c>) and the dashboard (<c>/dashboard</c>). Nothing when
    /// <c>GoFlow:Roles</c> leaves the API out. Call it after <see cref="GoFlowServiceCollectionExtensions.AddGoFlow"/>, before the application's own routes
    /// that should answer problems the same way.
    /// </summary>
    public static WebApplication MapGoFlow(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!HostRoles.From(app.Configuration).Api)
        {
            return app;
        }

        // Each surface is one line here, so that a new one is one more line.
        app.UseGoFlowHttp();
        app.MapHealthEndpoints();
        app.MapWorkflowEndpoints();

        // The surfaces mapped outside the HTTP adapter only read; they refuse a body as the adapter's routes do.
        var reads = app.MapGroupTakingNoBody();
        reads.MapGoFlowMetrics();
        reads.MapGoFlowDashboard();
        return app;
    }
}
