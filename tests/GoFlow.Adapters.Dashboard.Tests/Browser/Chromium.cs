using Microsoft.Playwright;

namespace GoFlow.Adapters.Dashboard.Tests.Browser;

/// <summary>
/// Debian's headless Chromium, driven by Playwright (Playwright's own browser downloads are not used: the test script
/// installs the distribution's package). Without it the browser tests are skipped on a developer's machine and fail
/// under CI=true, so a run that tested nothing can never pass as green.
/// </summary>
internal static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            var message = $"{ExecutablePath} is missing: install Debian's chromium (scripts/test.sh does).";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(message);
            }

            Assert.Ignore(message);
        }

        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                // The test machine's containers give Chromium no user namespaces for its sandbox.
                Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            });
            return (playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }
}
