using GoFlow.Adapters.Http.Tests.Support;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>
/// Every refused POST /workflows through the real host: a problem answer, and nothing stored. This fixture's database
/// never receives a valid request, so every table must stay empty.
/// </summary>
public sealed class RefusedRequestTests
{
    private HostedApi _api = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _api = await HostedApi.StartAsync();

    [OneTimeTearDown]
    public async Task StopHost() => await _api.DisposeAsync();

    [TearDown]
    public async Task NothingWasStored() =>
        Assert.That(await _api.CountRowsAsync(), Is.EqualTo(new StoredRows(0, 0, 0)));

    [TestCase("""{"input_payload": {"order_id": "A-1"}}""", TestName = "PostWorkflows_NameLeftOut_Answers400NamingWorkflowName")]
    [TestCase("""{"workflow_name": "", "input_payload": {}}""", TestName = "PostWorkflows_NameEmpty_Answers400NamingWorkflowName")]
    [TestCase("""{"workflow_name": null}""", TestName = "PostWorkflows_NameNull_Answers400NamingWorkflowName")]
    [TestCase("""{"workflow_name": 42}""", TestName = "PostWorkflows_NameNotAString_Answers400NamingWorkflowName")]
    public async Task PostWorkflows_NameMissingOrWrong_Answers400NamingWorkflowName(string body)
    {
        using var response = await _api.Client.PostAsync("/workflows", HttpJson.Body(body));

        var problem = await HttpJson.ReadProblemAsync(response, 400);
        Assert.That(problem["errors"]?["workflow_name"]?.AsArray(), Is.Not.Empty, problem.ToJsonString());
    }

    [Test]
    public async Task PostWorkflows_UnknownName_Answers400ListingTheDefinedWorkflows()
    {
        using var response = await _api.Client.PostAsync("/workflows", HttpJson.Body("""{"workflow_name": "ShipParcel"}"""));

        var problem = await HttpJson.ReadProblemAsync(response, 400);
        var error = problem["errors"]?["workflow_name"]?[0]?.GetValue<string>();
        Assert.That(error, Does.Contain("ShipParcel").And.Contain("OrderProcess").And.Contain("UserOnboarding"));
    }

    [Test]
    public async Task PostWorkflows_NameLongerThanTheColumn_Answers400NamingWorkflowName()
    {
        var name = new string('N', 256);

        using var response = await _api.Client.PostAsync("/workflows", HttpJson.Body($$"""{"workflow_name": "{{name}}"}"""));

        var problem = await HttpJson.ReadProblemAsync(response, 400);
        Assert.That(problem["errors"]?["workflow_name"]?[0]?.GetValue<string>(), Is.EqualTo("workflow_name is longer than 255 characters."));
    }

    [Test]
    public async Task PostWorkflows_UnknownNameOfExactlyTheColumnWidth_Answers400AsUnknown()
    {
        var name = new string('N', 255);

        using var response = await _api.Client.PostAsync("/workflows", HttpJson.Body($$"""{"workflow_name": "{{name}}"}"""));

        var problem = await HttpJson.ReadProblemAsync(response, 400);
        Assert.That(problem["errors"]?["workflow_name"]?[0]?.GetValue<string>(), Does.StartWith("Unknown workflow"));
    }

    [Test]
    public async Task PostWorkflows_PayloadObjectsOnePastTheDepthLimit_Answers400NamingInputPayload()
    {
        var payload = JsonText.NestedObjects(new ApiOptions().MaxPayloadDepth + 1);

        await AssertPayloadTooDeepAsync(payload);
    }

    [Test]
    public async Task PostWorkflows_PayloadArraysFarPastTheDepthLimit_Answers400NamingInputPayload()
    {
        await AssertPayloadTooDeepAsync(JsonText.NestedArrays(100_000));
    }

    [Test]
    public async Task PostWorkflows_BodyOverTheSizeLimit_Answers413()
    {
        var note = new string('x', new ApiOptions().MaxRequestBodyBytes);

        using var response = await _api.Client.PostAsync(
            "/workflows", HttpJson.Body($$$"""{"workflow_name": "OrderProcess", "input_payload": {"note": "{{{note}}}"}}"""));

        await HttpJson.ReadProblemAsync(response, 413);
    }

    [Test]
    public async Task PostWorkflows_InvalidUtf8_Answers400()
    {
        byte[] body =
        [
            .. System.Text.Encoding.UTF8.GetBytes("""{"workflow_name": "OrderProcess", "input_payload": {"note": """),
            0x22, 0xC3, 0x28, 0x22, 0x7D, 0x7D,
        ];
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        using var response = await _api.Client.PostAsync("/workflows", content);

        var problem = await HttpJson.ReadProblemAsync(response, 400);
        Assert.That(problem["detail"]?.GetValue<string>(), Is.EqualTo("The request body is not valid UTF-8."));
    }

    [Test]
    public async Task PostWorkflows_UnpairedSurrogateEscape_Answers400()
    {
        using var response = await _api.Client.PostAsync(
            "/workflows", HttpJson.Body("""{"workflow_name": "OrderProcess", "input_payload": {"note": "\ud800"}}"""));

        var problem = await HttpJson.ReadProblemAsync(response, 400);
        Assert.That(problem["detail"]?.GetValue<string>(), Does.StartWith("The request body is not valid Unicode"));
    }

    [TestCase("[1, 2]")]
    [TestCase("\"{\\\"order_id\\\": \\\"A-1\\\"}\"")]
    [TestCase("null")]
    [TestCase("42")]
    public async Task PostWorkflows_PayloadNotAnObject_Answers400NamingInputPayload(string payload)
    {
        using var response = await _api.Client.PostAsync(
            "/workflows", HttpJson.Body($$"""{"workflow_name": "OrderProcess", "input_payload": {{payload}}}"""));

        var problem = await HttpJson.ReadProblemAsync(response, 400);
        Assert.That(problem["errors"]?["input_payload"]?[0]?.GetValue<string>(), Does.StartWith("input_payload must be a JSON object"));
    }

    [TestCase("""{"workflow_name": "OrderProcess", """)]
    [TestCase("""{'workflow_name': 'OrderProcess'}""")]
    [TestCase("")]
    [TestCase("""["OrderProcess"]""")]
    [TestCase("\"OrderProcess\"")]
    [TestCase("""{"workflow_name": "OrderProcess", "workflow_name": "UserOnboarding"}""")]
    public async Task PostWorkflows_MalformedOrNotAnObject_Answers400(string body)
    {
        using var response = await _api.Client.PostAsync("/workflows", HttpJson.Body(body));

        await HttpJson.ReadProblemAsync(response, 400);
    }

    [TestCase("text/plain")]
    [TestCase("application/xml")]
    [TestCase(null)]
    public async Task PostWorkflows_BodyNotJson_Answers415(string? contentType)
    {
        using var response = await _api.Client.PostAsync(
            "/workflows", HttpJson.Body("""{"workflow_name": "OrderProcess"}""", contentType));

        await HttpJson.ReadProblemAsync(response, 415);
    }

    [TestCase("gzip")]
    [TestCase("br")]
    [TestCase("identity, gzip")]
    public async Task PostWorkflows_BodyInAContentCoding_Answers415AndStartsNothing(string contentEncoding)
    {
        // A valid start, labelled compressed: read as sent it would start a workflow; GoFlow decodes no coding.
        var content = HttpJson.Body("""{"workflow_name": "OrderProcess"}""");
        content.Headers.TryAddWithoutValidation("Content-Encoding", contentEncoding);

        using var response = await _api.Client.PostAsync("/workflows", content);

        var detail = (await HttpJson.ReadProblemAsync(response, 415))["detail"]!.GetValue<string>();
        Assert.That(detail, Does.Contain("Content-Encoding"));
        // RFC 9110 section 15.5.16: a 415 for a content coding names the codings that would have been taken.
        Assert.That(response.Headers.TryGetValues("Accept-Encoding", out var accepted) ? string.Join(",", accepted) : null,
            Is.EqualTo("identity"));
    }

    [Test]
    public async Task PostWorkflows_BodyInTheIdentityCoding_IsReadAsSent()
    {
        // Refused on purpose: an unknown name, so this fixture's database stays empty; the answer shows the body was read.
        var content = HttpJson.Body("""{"workflow_name": "ShipParcel"}""");
        content.Headers.ContentEncoding.Add("identity");

        using var response = await _api.Client.PostAsync("/workflows", content);

        var problem = await HttpJson.ReadProblemAsync(response, 400);
        Assert.That(problem["errors"]?["workflow_name"]?[0]?.GetValue<string>(), Does.Contain("ShipParcel"));
    }

    [Test]
    public async Task PostWorkflows_KilobytesOfContentType_Answers415QuotingOnlyItsStart()
    {
        var contentType = "text/plain; x=" + new string('y', 4000);

        using var response = await _api.Client.PostAsync(
            "/workflows", HttpJson.Body("""{"workflow_name": "OrderProcess"}""", contentType));

        var detail = (await HttpJson.ReadProblemAsync(response, 415))["detail"]!.GetValue<string>();
        Assert.That(detail, Does.Contain("'text/plain; x=yyy"));
        Assert.That(detail, Has.Length.LessThan(400));
    }

    [TestCase("GET", "")]
    [TestCase("GET", "/activity")]
    [TestCase("POST", "/cancel")]
    [TestCase("POST", "/signals/approved")]
    public async Task WorkflowRoutes_KilobytesLongId_Answer404WithoutQuotingIt(string method, string rest)
    {
        var id = new string('x', 4000);

        using var response = await _api.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), $"/workflows/{id}{rest}")
        {
            // Only the signal takes a body; the cancel refuses one (ADR 0016).
            Content = rest.StartsWith("/signals", StringComparison.Ordinal) ? HttpJson.Body("{}") : null,
        });

        var problem = await HttpJson.ReadProblemAsync(response, 404);
        Assert.That(problem.ToJsonString(), Does.Not.Contain("xxxxxxxxxx"));
    }

    private async Task AssertPayloadTooDeepAsync(string payload)
    {
        using var response = await _api.Client.PostAsync(
            "/workflows", HttpJson.Body($$"""{"workflow_name": "OrderProcess", "input_payload": {{payload}}}"""));

        var problem = await HttpJson.ReadProblemAsync(response, 400);
        Assert.That(
            problem["errors"]?["input_payload"]?[0]?.GetValue<string>(),
            Does.StartWith($"input_payload is nested more than {new ApiOptions().MaxPayloadDepth} levels deep"));
    }
}
