using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GoFlow.Adapters.Dashboard.Tests.Browser;

/// <summary>The dashboard of a host with API keys: it asks for a key once per browser session and refuses a wrong one.</summary>
[NonParallelizable]
public sealed class ApiKeyBrowserTests
{
    private const string Key = "dashboard-test-key-0123456789";

    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private DashboardHost _host = null!;

    [OneTimeSetUp]
    public async Task StartBrowserAndHost()
    {
        (_playwright, _browser) = await Chromium.LaunchAsync();
        _host = DashboardHost.Start(new Dictionary<string, string?> { ["Api:Keys:0"] = Key });
    }

    [OneTimeTearDown]
    public async Task StopBrowserAndHost()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    [Test]
    public async Task Overview_WithKeysConfigured_AsksForAKeyRefusesAWrongOneAndKeepsTheRightOneForTheSession()
    {
        SetDefaultExpectTimeout(20_000);
        await using var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _host.Address.ToString() });
        var page = await context.NewPageAsync();
        var requests = new List<IRequest>();
        page.Request += (_, request) => requests.Add(request);

        await page.GotoAsync("/dashboard");
        var keyField = page.GetByLabel("API key", new() { Exact = true });
        await Expect(keyField).ToBeVisibleAsync();
        await Expect(keyField).ToBeFocusedAsync();
        await Expect(page.Locator("#main")).ToBeHiddenAsync();
        await Screenshots.TakeAsync(page, "asks-for-key");

        await keyField.FillAsync("wrong-key");
        await keyField.PressAsync("Enter");
        await Expect(page.Locator("#key-error")).ToHaveTextAsync("That API key was refused. Enter a valid key.");
        await Expect(page.Locator("#main")).ToBeHiddenAsync();
        await Screenshots.TakeAsync(page, "wrong-key-refused");

        await keyField.FillAsync(Key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use this key" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Overview");
        await Expect(page.Locator("[data-status=PENDING]")).ToHaveTextAsync("0");
        await Screenshots.TakeAsync(page, "overview-with-key");

        // Another page of the same session needs no second prompt.
        await page.GotoAsync("/dashboard/workflows");
        await Expect(page.Locator("tbody")).ToContainTextAsync("No workflow matches.");
        await Expect(page.Locator("#key-prompt")).ToBeHiddenAsync();
        await Screenshots.TakeAsync(page, "list-with-key");

        Assert.That(requests.Select(request => request.Url), Has.None.Contains(Key), "the key never travels in an address");
        Assert.That(await page.EvaluateAsync<string>("() => sessionStorage.getItem('goflow.dashboard.apiKey')"), Is.EqualTo(Key));
        Assert.That(await page.EvaluateAsync<int>("() => localStorage.length"), Is.Zero, "nothing outlives the session");
        Assert.That(await page.EvaluateAsync<string>("() => document.cookie"), Is.Empty);

        // A new browser session asks again.
        await using var nextSession = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _host.Address.ToString() });
        var nextPage = await nextSession.NewPageAsync();
        await nextPage.GotoAsync("/dashboard");
        await Expect(nextPage.GetByLabel("API key", new() { Exact = true })).ToBeVisibleAsync();
    }

    [Test]
    public async Task DataReads_WithoutKey_Answer401WhileThePageItselfLoads()
    {
        using var page = await _host.Client.GetAsync("/dashboard");
        using var overview = await _host.Client.GetAsync("/dashboard/api/overview");
        using var workflows = await _host.Client.GetAsync("/dashboard/api/workflows");

        Assert.That((int)page.StatusCode, Is.EqualTo(200));
        Assert.That((int)overview.StatusCode, Is.EqualTo(401));
        Assert.That((int)workflows.StatusCode, Is.EqualTo(401));
    }
}
