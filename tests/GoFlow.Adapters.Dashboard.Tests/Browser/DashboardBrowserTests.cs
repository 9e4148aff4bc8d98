using System.Text.RegularExpressions;
using GoFlow.Application;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GoFlow.Adapters.Dashboard.Tests.Browser;

/// <summary>
/// The dashboard in headless Chromium against the real host on a SQLite file: what an operator does, click by click.
/// Every page visited is photographed (<see cref="Screenshots"/>).
/// </summary>
[NonParallelizable]
public sealed partial class DashboardBrowserTests
{
    /// <summary>How long a page may take to show what the test waits for: a few of its 2-second polls.</summary>
    private static readonly TimeSpan PageTimeout = TimeSpan.FromSeconds(20);

    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private DashboardHost _host = null!;
    private IBrowserContext _context = null!;
    private IPage _page = null!;
    private readonly List<string> _dialogs = [];
    private readonly List<string> _pageErrors = [];

    [OneTimeSetUp]
    public async Task StartBrowser() => (_playwright, _browser) = await Chromium.LaunchAsync();

    [OneTimeTearDown]
    public async Task StopBrowser()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    // A host (and store) per test: a worker one test starts must not run the workflows another left PENDING.
    [SetUp]
    public async Task StartHostAndOpenPage()
    {
        _host = DashboardHost.Start();
        SetDefaultExpectTimeout((float)PageTimeout.TotalMilliseconds);
        _context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = _host.Address.ToString(),
            TimezoneId = "UTC",
            ViewportSize = new ViewportSize { Width = 1200, Height = 900 },
        });
        _page = await _context.NewPageAsync();
        _dialogs.Clear();
        _pageErrors.Clear();
        _page.PageError += (_, error) => _pageErrors.Add(error);
        _page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _pageErrors.Add(message.Text);
            }
        };
    }

    [TearDown]
    public async Task ClosePageAndStopHost()
    {
        await _context.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Test]
    public async Task StartForm_ValidInput_LandsOnTheNewWorkflowAndWatchesItComplete()
    {
        await using var worker = _host.StartWorker();
        await _page.GotoAsync("/dashboard/start");
        await Expect(_page.Locator("#start-definition option[value=OrderProcess]")).ToHaveCountAsync(1);
        await _page.Locator("#start-definition").SelectOptionAsync("OrderProcess");

        // The page's own check first: not JSON, so nothing is sent.
        await _page.Locator("#start-input").FillAsync("{\"order_id\": ");
        await Expect(_page.Locator("#start-input-error")).ToContainTextAsync("not valid JSON");
        await Screenshots.TakeAsync(_page, "start-invalid-json");

        await _page.Locator("#start-input").FillAsync("""{"order_id": "A-100", "amount": 12.5}""");
        await Expect(_page.Locator("#start-input-error")).ToBeEmptyAsync();
        await _page.GetByLabel("Idempotency-Key (optional)").FillAsync("start-form-key-1");
        await _page.GetByRole(AriaRole.Button, new() { Name = "Start" }).ClickAsync();

        await Expect(_page).ToHaveURLAsync(DetailUrl());
        var navigations = 0;
        _page.FrameNavigated += (_, frame) => navigations += frame == _page.MainFrame ? 1 : 0;
        await Screenshots.TakeAsync(_page, "detail-just-started");

        await Expect(_page.Locator("#workflow-status")).ToContainTextAsync("COMPLETED");
        await Expect(_page.Locator(".step")).ToHaveCountAsync(3);
        await Expect(_page.Locator(".step").Nth(2)).ToContainTextAsync("SendEmail");
        await Expect(_page.Locator("main")).ToContainTextAsync("\"charged_amount\": 12.5");
        await Screenshots.TakeAsync(_page, "detail-completed");
        Assert.That(navigations, Is.Zero, "the page reached COMPLETED by itself, without a reload");
        Assert.That(_pageErrors, Is.Empty);
    }

    [Test]
    public async Task StartForm_KeyReusedWithAnotherInput_ShowsTheApisOwnMessage()
    {
        await _host.Client.StartAsync("OrderProcess", """{"order_id": "K-1", "amount": 1}""", "reused-key-1");
        await _page.GotoAsync("/dashboard/start");
        await Expect(_page.Locator("#start-definition option[value=OrderProcess]")).ToHaveCountAsync(1);

        await _page.Locator("#start-input").FillAsync("""{"order_id": "K-2", "amount": 2}""");
        await _page.GetByLabel("Idempotency-Key (optional)").FillAsync("reused-key-1");
        await _page.GetByRole(AriaRole.Button, new() { Name = "Start" }).ClickAsync();

        await Expect(_page.Locator("#start-result")).ToContainTextAsync("different request");
        Assert.That(_page.Url, Does.EndWith("/dashboard/start"));
        await Screenshots.TakeAsync(_page, "start-refused-by-the-api");
    }

    [Test]
    public async Task Overview_WorkflowCompletesWhileOpen_UpdatesItsCountsByItself()
    {
        await using var worker = _host.StartWorker();
        await _page.GotoAsync("/dashboard");
        var completed = _page.Locator("[data-status=COMPLETED]");
        await Expect(completed).ToHaveTextAsync(NumberPattern());
        var before = long.Parse(await completed.InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);

        var id = await _host.Client.StartAsync("UserOnboarding", """{"email": "overview@example.com"}""");
        await _host.Client.WaitForStatusAsync(id, "COMPLETED", PageTimeout);

        await Expect(completed).ToHaveTextAsync((before + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(_page.GetByTestId("throughput-summary")).Not.ToContainTextAsync(" 0 workflows");
        // An API-only host runs no retention sweep, so it says it does not know the setting rather than guess.
        await Expect(_page.Locator("main")).ToContainTextAsync("does not know the retention setting");
        await Expect(_page.Locator("main")).ToContainTextAsync("The store keeps 1 finished workflows");
        await Expect(_page.Locator("main")).ToContainTextAsync("OrderProcess: ValidateOrder → DeductMoney → SendEmail");
        await Screenshots.TakeAsync(_page, "overview");
        Assert.That(_pageErrors, Is.Empty);
    }

    [Test]
    public async Task Detail_FailedWorkflow_RetryAfterConfirmingShowsTheResultAndItCompletes()
    {
        await using var worker = _host.StartWorker(services => services.AddGoFlowTaskHandler<FailFirstCall>(FailFirstCall.TaskName));
        var id = await _host.Client.StartAsync("OrderProcess", """{"order_id": "F-1", "amount": 3, "fail_first": true}""");
        await _host.Client.WaitForStatusAsync(id, "FAILED", PageTimeout);

        await _page.GotoAsync($"/dashboard/workflows/{id}");
        await Expect(_page.Locator("#workflow-status")).ToContainTextAsync("FAILED");
        await Expect(_page.Locator(".step-failed")).ToContainTextAsync("The bank refused order F-1");
        await Expect(_page.GetByRole(AriaRole.Button, new() { Name = "Cancel workflow" })).ToHaveCountAsync(0);
        await Screenshots.TakeAsync(_page, "detail-failed");

        _page.Dialog += async (_, dialog) =>
        {
            _dialogs.Add(dialog.Message);
            await dialog.AcceptAsync();
        };
        await _page.GetByRole(AriaRole.Button, new() { Name = "Retry workflow" }).ClickAsync();

        await Expect(_page.Locator("#action-result")).ToContainTextAsync("Retried: the workflow is now");
        Assert.That(_dialogs, Has.Count.EqualTo(1).And.Some.Contains("Retry workflow?"));
        await Expect(_page.Locator("#workflow-status")).ToContainTextAsync("COMPLETED");
        await Expect(_page.Locator("main")).ToContainTextAsync("WORKFLOW_RETRIED");
        await Screenshots.TakeAsync(_page, "detail-retried");
    }

    [Test]
    public async Task Detail_AStepWaitingForASignal_ShowsWhichSignalAndUntilWhen()
    {
        await using var worker = _host.StartWorker();
        var id = await _host.Client.StartAsync("ApprovedOrder", """{"order_id": "S-1", "amount": 2}""");

        await _page.GotoAsync($"/dashboard/workflows/{id}");

        await Expect(_page.Locator(".step-waiting")).ToContainTextAsync("AwaitApproval");
        await Expect(_page.Locator(".step-waiting .waiting-for")).ToContainTextAsync("signal approved, until ");
        await Expect(_page.Locator("#workflow-status")).ToContainTextAsync("RUNNING");
        await Screenshots.TakeAsync(_page, "detail-waiting-for-signal");
        Assert.That(_pageErrors, Is.Empty);
    }

    [Test]
    public async Task Detail_PendingWorkflow_CancelAsksFirstThenCancels()
    {
        // No worker: the workflow stays PENDING until the page cancels it.
        var id = await _host.Client.StartAsync("OrderProcess", """{"order_id": "C-1", "amount": 4}""");
        await _page.GotoAsync($"/dashboard/workflows/{id}");
        await Expect(_page.Locator("#workflow-status")).ToContainTextAsync("PENDING");
        await Expect(_page.GetByRole(AriaRole.Button, new() { Name = "Retry workflow" })).ToHaveCountAsync(0);
        await Screenshots.TakeAsync(_page, "detail-pending");

        var accept = false;
        _page.Dialog += async (_, dialog) =>
        {
            _dialogs.Add(dialog.Message);
            if (accept)
            {
                await dialog.AcceptAsync();
            }
            else
            {
                await dialog.DismissAsync();
            }
        };
        var cancel = _page.GetByRole(AriaRole.Button, new() { Name = "Cancel workflow" });

        await cancel.ClickAsync();
        await Expect(cancel).ToBeEnabledAsync();
        Assert.That(_dialogs, Has.Count.EqualTo(1));
        Assert.That(await _host.Client.StatusAsync(id), Is.EqualTo("PENDING"), "dismissing the question changes nothing");

        accept = true;
        await cancel.ClickAsync();

        await Expect(_page.Locator("#action-result")).ToHaveTextAsync("Cancelled: the workflow is now CANCELLED.");
        await Expect(_page.Locator("#workflow-status")).ToContainTextAsync("CANCELLED");
        await Expect(_page.GetByRole(AriaRole.Button, new() { Name = "Retry workflow" })).ToBeVisibleAsync();
        Assert.That(await _host.Client.StatusAsync(id), Is.EqualTo("CANCELLED"));
        await Screenshots.TakeAsync(_page, "detail-cancelled");
    }

    [Test]
    public async Task Detail_KeyboardOnly_ReachesAndUsesTheCancelButton()
    {
        var id = await _host.Client.StartAsync("OrderProcess", """{"order_id": "KB-1", "amount": 4}""");
        _page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await _page.GotoAsync($"/dashboard/workflows/{id}");
        await Expect(_page.GetByRole(AriaRole.Button, new() { Name = "Cancel workflow" })).ToBeVisibleAsync();

        // Tab from the top of the page until the button has the focus: the skip link, the navigation, then the button.
        var tabs = 0;
        while (await _page.EvaluateAsync<string>("() => document.activeElement.textContent") != "Cancel workflow")
        {
            Assert.That(++tabs, Is.LessThan(15), "the Cancel button is reachable by Tab");
            await _page.Keyboard.PressAsync("Tab");
        }

        await _page.Keyboard.PressAsync("Enter");

        await Expect(_page.Locator("#workflow-status")).ToContainTextAsync("CANCELLED");
        await Screenshots.TakeAsync(_page, "cancelled-by-keyboard");
    }

    [Test]
    public async Task List_FiltersAndSearch_FindTheWorkflowsAskedFor()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var order = await _host.Client.StartAsync("OrderProcess", """{"order_id": "L-1", "amount": 1}""");
        var onboarding = await _host.Client.StartAsync("UserOnboarding", """{"user_id": "L-2"}""", "find-me-by-key");

        await _page.GotoAsync("/dashboard/workflows");
        await Expect(_page.Locator("tbody")).ToContainTextAsync(order);
        await Screenshots.TakeAsync(_page, "list");

        // Filter by name and creation time through the form; the filters land in the page's address.
        await _page.GetByLabel("Workflow name").FillAsync("UserOnboarding");
        await _page.GetByLabel("Created after (your time)").FillAsync(DateTimeLocalValue(since));
        await _page.GetByLabel("Status").SelectOptionAsync("PENDING");
        await _page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await Expect(_page).ToHaveURLAsync(new Regex("workflow_name=UserOnboarding"));
        await Expect(_page.Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(_page.Locator("tbody")).ToContainTextAsync(onboarding);
        await Screenshots.TakeAsync(_page, "list-filtered");

        await _page.GetByLabel("Status").SelectOptionAsync("COMPLETED");
        await _page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await Expect(_page.Locator("tbody")).ToContainTextAsync("No workflow matches.");

        // The list refreshes by itself, and the refresh can be paused.
        await _page.GotoAsync("/dashboard/workflows?workflow_name=OrderProcess");
        await Expect(_page.Locator("tbody")).ToContainTextAsync(order);
        var later = await _host.Client.StartAsync("OrderProcess", """{"order_id": "L-3", "amount": 1}""");
        await Expect(_page.Locator("tbody")).ToContainTextAsync(later);
        var pause = _page.GetByRole(AriaRole.Button, new() { Name = "Pause auto-refresh" });
        await pause.ClickAsync();
        await Expect(_page.GetByRole(AriaRole.Button, new() { Name = "Resume auto-refresh" })).ToHaveAttributeAsync("aria-pressed", "true");

        await FindAsync(order);
        await Expect(_page).ToHaveURLAsync(DetailUrl(order));
        await Expect(_page.Locator("main")).ToContainTextAsync(order);
        await Screenshots.TakeAsync(_page, "found-by-id");

        await _page.GotoAsync("/dashboard/workflows");
        await FindAsync("find-me-by-key");
        await Expect(_page).ToHaveURLAsync(DetailUrl(onboarding));
        await Expect(_page.Locator("h1")).ToHaveTextAsync("Workflow UserOnboarding");
        await Screenshots.TakeAsync(_page, "found-by-key");

        await _page.GotoAsync("/dashboard/workflows");
        await FindAsync("no-such-key");
        await Expect(_page.Locator("#search-result")).ToContainTextAsync("No workflow has this id");
        await Screenshots.TakeAsync(_page, "not-found");
    }

    [Test]
    public async Task Detail_PayloadHoldingScript_ShowsItAsTextAndRunsNothing()
    {
        const string script = "<script>alert(1)</script>";
        const string image = "<img src=x onerror=alert(2)>";
        var id = await _host.Client.StartAsync(
            "OrderProcess", $$"""{"order_id": "{{script}}", "note": "{{image}}", "amount": 1}""", idempotencyKey: script);
        _page.Dialog += async (_, dialog) =>
        {
            _dialogs.Add(dialog.Message);
            await dialog.DismissAsync();
        };

        await _page.GotoAsync($"/dashboard/workflows/{id}");
        await Expect(_page.Locator(".step pre").First).ToContainTextAsync(script);
        await Expect(_page.Locator(".step pre").First).ToContainTextAsync(image);
        await Expect(_page.Locator("main")).ToContainTextAsync("WORKFLOW_CREATED");

        Assert.That(await _page.Locator("main script, main img").CountAsync(), Is.Zero, "no payload became markup");
        await _page.GotoAsync("/dashboard/workflows");
        await FindAsync(script);
        await Expect(_page).ToHaveURLAsync(DetailUrl(id));
        await Expect(_page.Locator("main")).ToContainTextAsync(script);
        await Screenshots.TakeAsync(_page, "script-payload");
        Assert.That(_dialogs, Is.Empty, "nothing from the payload ran");
        Assert.That(_pageErrors, Is.Empty);
    }

    [Test]
    public async Task Pages_EveryAnswer_CarriesAStrictContentSecurityPolicy()
    {
        foreach (var path in new[] { "/dashboard", "/dashboard/workflows", "/dashboard/start", "/dashboard/assets/app.js", "/dashboard/api/overview" })
        {
            using var response = await _host.Client.GetAsync(path);
            var policy = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.That(policy, Does.Contain("script-src 'self'").And.Contain("default-src 'none'"), path);
            Assert.That(policy, Does.Not.Contain("unsafe-inline"), path);
        }

        var page = await _host.Client.GetStringAsync("/dashboard");
        Assert.That(ScriptWithBody().IsMatch(page), Is.False, "the page holds no inline script");
        Assert.That(page, Does.Not.Contain("style="), "nor inline style");
        Assert.That(page, Does.Not.Contain("http://").And.Not.Contain("https://"), "nothing from elsewhere");
    }

    private async Task FindAsync(string text)
    {
        await _page.GetByLabel("Find by workflow id or Idempotency-Key").FillAsync(text);
        await _page.GetByLabel("Find by workflow id or Idempotency-Key").PressAsync("Enter");
    }

    /// <summary>
    /// <paramref name="time"/> (UTC, the page's zone here) as a datetime-local input holds it: Chromium drops ":00"
    /// seconds from the value, and Playwright's fill refuses a value the input does not keep as typed.
    /// </summary>
    private static string DateTimeLocalValue(DateTimeOffset time) =>
        time.UtcDateTime.ToString(
            time.Second == 0 ? "yyyy-MM-dd'T'HH:mm" : "yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    // The page's address is asserted with Expect, which polls it: WaitForURL after the click that navigates can miss a
    // navigation that commits before its waiter is registered, and then waits for one that never comes.
    private static Regex DetailUrl() => new("/dashboard/workflows/[0-9a-f-]{36}$");

    private static Regex DetailUrl(string id) => new($"/dashboard/workflows/{Regex.Escape(id)}$");

    private static Regex NumberPattern() => new("^[0-9,]+$");

    [GeneratedRegex("<script[^>]*>[^<]+</script>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptWithBody();
}
