using System.Text;
using GoFlow.Adapters.Http.Apis;
using GoFlow.Ports.Driving;
using Microsoft.AspNetCore.Http;

namespace GoFlow.Adapters.Http.Tests.Apis;

public sealed class StartWorkflowRequestReaderTests
{
    [Test]
    public async Task ReadAsync_NameAndObjectPayload_ReturnsCommandWithBoth()
    {
        var body = await ReadAsync("""{"workflow_name": "OrderProcess", "input_payload": {"order_id": "A-1", "amount": 42}}""");

        var command = AssertCommand(body);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(command.WorkflowName, Is.EqualTo("OrderProcess"));
            Assert.That(command.InputPayload?.GetRawText(), Is.EqualTo("""{"order_id": "A-1", "amount": 42}"""));
        }
    }

    [Test]
    public async Task ReadAsync_PayloadLeftOut_ReturnsCommandWithNullPayload()
    {
        var command = AssertCommand(await ReadAsync("""{"workflow_name": "OrderProcess"}"""));

        Assert.That(command.InputPayload, Is.Null);
    }

    [Test]
    public async Task ReadAsync_UnknownExtraProperties_AreIgnored()
    {
        var command = AssertCommand(await ReadAsync("""{"workflow_name": "OrderProcess", "priority": 5, "tags": ["a"]}"""));

        Assert.That(command, Is.EqualTo(new StartWorkflowCommand("OrderProcess", null)));
    }

    [Test]
    public async Task ReadAsync_NameLeftOutOrNull_ReturnsCommandWithNullNameForTheUseCaseToRefuse()
    {
        var leftOut = AssertCommand(await ReadAsync("""{"input_payload": {}}"""));
        var explicitNull = AssertCommand(await ReadAsync("""{"workflow_name": null}"""));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(leftOut.WorkflowName, Is.Null);
            Assert.That(explicitNull.WorkflowName, Is.Null);
        }
    }

    [TestCase("42", "a number")]
    [TestCase("[\"OrderProcess\"]", "an array")]
    [TestCase("{\"name\": \"OrderProcess\"}", "an object")]
    [TestCase("true", "a boolean")]
    public async Task ReadAsync_NameNotAString_ReturnsInvalidWorkflowName(string name, string described)
    {
        var body = await ReadAsync($$"""{"workflow_name": {{name}}}""");

        Assert.That(body, Is.EqualTo(new StartWorkflowBody.InvalidField(
            "workflow_name", $"workflow_name must be a string, not {described}.")));
    }

    [TestCase("[1, 2]", "an array")]
    [TestCase("\"{}\"", "a string")]
    [TestCase("null", "null")]
    [TestCase("7", "a number")]
    [TestCase("false", "a boolean")]
    public async Task ReadAsync_PayloadNotAnObject_ReturnsInvalidInputPayload(string payload, string described)
    {
        var body = await ReadAsync($$"""{"workflow_name": "OrderProcess", "input_payload": {{payload}}}""");

        Assert.That(body, Is.EqualTo(new StartWorkflowBody.InvalidField(
            "input_payload", $"input_payload must be a JSON object, not {described}.")));
    }

    [TestCase("{\"workflow_name\": ")]
    [TestCase("{workflow_name: \"OrderProcess\"}")]
    [TestCase("{\"workflow_name\": \"OrderProcess\",}")]
    [TestCase("")]
    [TestCase("not json")]
    public async Task ReadAsync_MalformedJson_ReturnsMalformed(string text)
    {
        var body = await ReadAsync(text);

        Assert.That(body, Is.TypeOf<StartWorkflowBody.Malformed>());
        Assert.That(((StartWorkflowBody.Malformed)body).Detail, Does.StartWith("The request body is not valid JSON"));
    }

    [Test]
    public async Task ReadAsync_PayloadNestedDeeperThanTheParserAllows_ReturnsMalformed()
    {
        const int Depth = 100;
        var payload = string.Concat(Enumerable.Repeat("{\"a\":", Depth)) + "1" + new string('}', Depth);

        var body = await ReadAsync($$"""{"workflow_name": "OrderProcess", "input_payload": {{payload}}}""");

        Assert.That(body, Is.TypeOf<StartWorkflowBody.Malformed>());
    }

    [TestCase("[]", "an array")]
    [TestCase("\"OrderProcess\"", "a string")]
    [TestCase("null", "null")]
    [TestCase("12", "a number")]
    public async Task ReadAsync_BodyNotAnObject_ReturnsMalformed(string text, string described)
    {
        var body = await ReadAsync(text);

        Assert.That(body, Is.EqualTo(new StartWorkflowBody.Malformed($"The request body must be a JSON object, not {described}.")));
    }

    [TestCase("""{"workflow_name": "OrderProcess", "workflow_name": "UserOnboarding"}""")]
    [TestCase("""{"workflow_name": "OrderProcess", "input_payload": {"amount": 1, "amount": 2}}""")]
    public async Task ReadAsync_DuplicatePropertyNames_ReturnsMalformed(string text)
    {
        var body = await ReadAsync(text);

        Assert.That(body, Is.TypeOf<StartWorkflowBody.Malformed>());
    }

    [TestCase("application/json")]
    [TestCase("application/json; charset=utf-8")]
    [TestCase("Application/JSON; charset=UTF-8")]
    [TestCase("application/vnd.goflow+json")]
    public async Task ReadAsync_JsonContentType_IsAccepted(string contentType)
    {
        var body = await ReadAsync("""{"workflow_name": "OrderProcess"}""", contentType);

        Assert.That(body, Is.TypeOf<StartWorkflowBody.Command>());
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("text/plain")]
    [TestCase("application/x-www-form-urlencoded")]
    [TestCase("application/xml")]
    [TestCase("application/json; charset=utf-16")]
    [TestCase("not a media type")]
    public async Task ReadAsync_ContentTypeNotUtf8Json_ReturnsUnsupportedMediaType(string? contentType)
    {
        var body = await ReadAsync("""{"workflow_name": "OrderProcess"}""", contentType);

        Assert.That(body, Is.TypeOf<StartWorkflowBody.UnsupportedMediaType>());
    }

    private static async Task<StartWorkflowBody> ReadAsync(string text, string? contentType = "application/json")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Post;
        context.Request.ContentType = contentType;
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(text));
        return await StartWorkflowRequestReader.ReadAsync(context.Request, CancellationToken.None);
    }

    private static StartWorkflowCommand AssertCommand(StartWorkflowBody body)
    {
        Assert.That(body, Is.TypeOf<StartWorkflowBody.Command>(), body.ToString());
        return ((StartWorkflowBody.Command)body).Value;
    }
}
