using GoFlow.TestSupport;
using Microsoft.Playwright;

namespace GoFlow.Adapters.Dashboard.Tests.Browser;

/// <summary>
/// Every page a test visits is photographed into TestResults/dashboard-screenshots (ignored by git) and attached to the
/// test's result, so a failure can be looked at, not only read.
/// </summary>
internal static class Screenshots
{
    public static string Folder { get; } = Path.Combine(TestDatabase.RepositoryRoot, "TestResults", "dashboard-screenshots");

    public static async Task<string> TakeAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, $"{TestContext.CurrentContext.Test.MethodName}-{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.AddTestAttachment(path, name);
        return path;
    }
}
