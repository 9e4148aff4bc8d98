using GoFlow.Adapters.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace GoFlow.Adapters.Dashboard.Pages;

/// <summary>
/// The page and its files. Each page route answers with the same static page, whose script reads the path and draws
/// that page from the JSON reads; so nothing here renders data, and none of it needs the API key.
/// </summary>
internal static class DashboardPages
{
    public const string Root = "/dashboard";

    private static readonly string[] PageRoutes = ["/", "/workflows", "/workflows/{id}", "/start"];

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(Root)
            .AllowAnonymous()
            .ExcludeFromDescription()
            .AddEndpointFilter(SecurityHeaders.AddAsync);

        foreach (var route in PageRoutes)
        {
            group.MapMethods(route, ReadMethods.Methods, GetPage);
        }

        group.MapMethods("/assets/{name}", ReadMethods.Methods, GetAsset);
    }

    public static Results<FileContentHttpResult, NotFound> GetPage([FromServices] DashboardAssets assets) =>
        GetAsset(DashboardAssets.Page, assets);

    public static Results<FileContentHttpResult, NotFound> GetAsset(string name, [FromServices] DashboardAssets assets) =>
        assets.Find(name) is { } asset
            ? TypedResults.File(asset.Content, asset.ContentType)
            : TypedResults.NotFound();
}
