using GoFlow.Adapters.Dashboard.Api;
using GoFlow.Adapters.Dashboard.Pages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GoFlow.Adapters.Dashboard;

/// <summary>The dashboard's entry points: register it, then map it at <c>/dashboard</c>.</summary>
public static class DashboardServiceCollectionExtensions
{
    /// <summary>
    /// Registers the dashboard's embedded files. The reads it serves come from the application's driving ports
    /// (<c>IGetWorkflowOverview</c>, <c>IListWorkflowSummaries</c>, <c>IFindWorkflow</c>, <c>IGetWorkflow</c>, ...).
    /// </summary>
    public static IServiceCollection AddGoFlowDashboard(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.TryAddSingleton<DashboardAssets>();
        return services;
    }

    /// <summary>
    /// Maps the pages (<c>/dashboard</c>, <c>/dashboard/workflows</c>, <c>/dashboard/workflows/{id}</c>,
    /// <c>/dashboard/start</c>) and their script and style, which carry no data and so are marked
    /// <see cref="Microsoft.AspNetCore.Authorization.IAllowAnonymous"/> (an API key check lets them through), and the
    /// JSON reads under <c>/dashboard/api</c>, which need the API key like every other route. Every answer carries a
    /// strict Content-Security-Policy. Starting, cancelling and retrying go through the REST API, which the host maps too.
    /// </summary>
    public static IEndpointRouteBuilder MapGoFlowDashboard(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        DashboardPages.Map(endpoints);
        DashboardApi.Map(endpoints);
        return endpoints;
    }
}
