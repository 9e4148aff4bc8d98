using System.Text;
using GoFlow.Adapters.Http.Apis;
using GoFlow.Adapters.Http.Tests.Support;
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

        Assert.That(body, Is.EqualTo(new StartRequestOutcome.InvalidField(
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

        Assert.That(body, Is.EqualTo(new StartRequestOutcome.InvalidField(
            "input_payload", $"input_payload must be a JSON object, not {described}.")));
    }

    [TestCase("2026-05-01T09:00:00+02:00", "2026-05-01T07:00:00Z")]
    [TestCase("2026-05-01T07:00:00Z", "2026-05-01T07:00:00Z")]
    [TestCase("2026-05-01T07:00Z", "2026-05-01T07:00:00Z")]
    [TestCase("2026-05-01T01:30:00.1234567-05:30", "2026-05-01T07:00:00.1234567Z")]
    [TestCase("0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z")]
    public async Task ReadAsync_StartAtWithAnOffset_ReturnsCommandWithThatInstant(string startAt, string instant)
    {
        var command = AssertCommand(await ReadAsync($$"""{"workflow_name": "OrderProcess", "start_at": "{{startAt}}"}"""));

        Assert.That(command.StartAt, Is.EqualTo(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public async Task ReadAsync_StartAtNull_ReturnsCommandWithoutAStart()
    {
        var command = AssertCommand(await ReadAsync("""{"workflow_name": "OrderProcess", "start_at": null}"""));

        Assert.That(command.StartAt, Is.Null);
    }

    [TestCase("\"2026-05-01T09:00:00\"")]
    [TestCase("\"2026-05-01\"")]
    [TestCase("\"2026-05-01 09:00:00Z\"")]
    [TestCase("\"99999-01-01T00:00:00Z\"")]
    [TestCase("\"9999-12-31T23:59:59-14:00\"")]
    [TestCase("\"2026-05-01T09:00:00+25:00\"")]
    [TestCase("\"2026-02-30T09:00:00Z\"")]
    [TestCase("\"tomorrow\"")]
    [TestCase("1777626000")]
    [TestCase("true")]
    [TestCase("{}")]
    [TestCase("[\"2026-05-01T09:00:00Z\"]")]
    public async Task ReadAsync_StartAtWithoutOffsetOutOfRangeOrNotAString_ReturnsInvalidStartAt(string startAt)
    {
        var body = await ReadAsync($$"""{"workflow_name": "OrderProcess", "start_at": {{startAt}}}""");

        Assert.That(body, Is.TypeOf<StartRequestOutcome.InvalidField>());
        Assert.That(((StartRequestOutcome.InvalidField)body).Field, Is.EqualTo("start_at"));
    }

    [TestCase("{\"workflow_name\": ")]
    [TestCase("{workflow_name: \"OrderProcess\"}")]
    [TestCase("{\"workflow_name\": \"OrderProcess\",}")]
    [TestCase("")]
    [TestCase("not json")]
    public async Task ReadAsync_MalformedJson_ReturnsMalformed(string text)
    {
        var body = await ReadAsync(text);

        Assert.That(body, Is.TypeOf<StartRequestOutcome.Malformed>());
        Assert.That(((StartRequestOutcome.Malformed)body).Detail, Does.StartWith("The request body is not valid JSON"));
    }

    [TestCase("{\"workflow_name\": ", "line 1, byte 19")]
    [TestCase("{\"workflow_name\": \"OrderProcess\"} x", "line 1, byte 35")]
    [TestCase("{\n  \"workflow_name\": /* note */ \"OrderProcess\"}", "line 2, byte 20")]
    [TestCase("{\"a\": 1}\u0000", "line 1, byte 9")]
    public async Task ReadAsync_MalformedJson_SaysWhereInTheClientsWordsWithoutParserInternals(string text, string where)
    {
        var body = await ReadAsync(text);

        var detail = ((StartRequestOutcome.Malformed)body).Detail;
        Assert.That(detail, Does.Contain(where));
        Assert.That(detail, Does.Not.Contain("reader options").And.Not.Contain("isFinalBlock").And.Not.Contain("LineNumber")
            .And.Not.Contain("BytePositionInLine").And.Not.Contain("JsonReader"));
    }

    [TestCase(31)]
    [TestCase(1)]
    [TestCase(2)]
    public async Task ReadAsync_PayloadObjectsNestedToTheLimit_ReturnsCommandWithThePayload(int depth)
    {
        var payload = JsonText.NestedObjects(depth);

        var command = AssertCommand(await ReadAsync(StartBody(payload), limits: Limits(maxPayloadDepth: depth)));

        Assert.That(command.InputPayload?.GetRawText(), Is.EqualTo(payload));
    }

    [TestCase(31)]
    [TestCase(1)]
    [TestCase(2)]
    public async Task ReadAsync_PayloadObjectsNestedOneLevelPastTheLimit_ReturnsInvalidInputPayload(int depth)
    {
        var body = await ReadAsync(StartBody(JsonText.NestedObjects(depth + 1)), limits: Limits(maxPayloadDepth: depth));

        AssertTooDeep(body, depth);
    }

    [Test]
    public async Task ReadAsync_DefaultLimits_AllowThirtyOneLevelsAndRefuseThirtyTwo()
    {
        var atLimit = await ReadAsync(StartBody(JsonText.NestedObjects(31)));
        var pastLimit = await ReadAsync(StartBody(JsonText.NestedObjects(32)));

        AssertCommand(atLimit);
        AssertTooDeep(pastLimit, 31);
    }

    // The payload object is level 1; every object or array inside another adds one; scalars add none.
    [TestCase("""{}""", 1)]
    [TestCase("""{"a": 1, "b": "x", "c": null, "d": true}""", 1)]
    [TestCase("""{"a": []}""", 2)]
    [TestCase("""{"a": [1, "two", null]}""", 2)]
    [TestCase("""{"a": {"b": 1}, "c": [2]}""", 2)]
    [TestCase("""{"a": [{"b": [3]}]}""", 4)]
    [TestCase("""{"a": [[[]]], "b": {}}""", 4)]
    [TestCase("""{"deep": {"x": {"y": {}}}, "flat": 1}""", 4)]
    public async Task ReadAsync_PayloadDepth_CountsNestedObjectsAndArrays(string payload, int depth)
    {
        var atDepth = await ReadAsync(StartBody(payload), limits: Limits(maxPayloadDepth: depth));
        var oneShort = await ReadAsync(StartBody(payload), limits: Limits(maxPayloadDepth: depth - 1));

        AssertCommand(atDepth);
        if (depth > 1)
        {
            AssertTooDeep(oneShort, depth - 1);
        }
    }

    [TestCase(100)]
    [TestCase(10_000)]
    [TestCase(400_000)]
    public async Task ReadAsync_PayloadArraysNestedFarPastTheLimit_ReturnsInvalidInputPayloadQuickly(int depth)
    {
        var payload = "{\"a\":" + new string('[', depth) + new string(']', depth) + "}";
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var body = await ReadAsync(StartBody(payload), limits: Limits(maxRequestBodyBytes: ApiOptions.MaxRequestBodyBytesLimit));

        AssertTooDeep(body, 31);
        // A document parser spends seconds on such nesting; the check stops at the first level too deep.
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1)));
    }

    [Test]
    public async Task ReadAsync_PayloadTooDeepButTruncated_StillNamesInputPayload()
    {
        var body = await ReadAsync("""{"workflow_name": "OrderProcess", "input_payload": """ + new string('[', 100));

        AssertTooDeep(body, 31);
    }

    [Test]
    public async Task ReadAsync_OtherPropertyNestedPastTheBodyLimit_ReturnsMalformed()
    {
        var body = await ReadAsync(
            """{"workflow_name": "OrderProcess", "extra": """ + JsonText.NestedObjects(40) + "}");

        Assert.That(body, Is.EqualTo(new StartRequestOutcome.Malformed("The request body is nested more than 32 levels deep.")));
    }

    [Test]
    public async Task ReadAsync_NameNestedDeep_ReturnsMalformedRatherThanFailing()
    {
        var body = await ReadAsync("""{"workflow_name": """ + new string('[', 5000) + new string(']', 5000) + "}");

        Assert.That(body, Is.TypeOf<StartRequestOutcome.Malformed>());
    }

    [TestCase(new byte[] { 0xC3, 0x28 }, TestName = "ReadAsync_InvalidUtf8_TruncatedSequence_ReturnsMalformed")]
    [TestCase(new byte[] { 0xFF }, TestName = "ReadAsync_InvalidUtf8_ByteFF_ReturnsMalformed")]
    [TestCase(new byte[] { 0xC0, 0xAF }, TestName = "ReadAsync_InvalidUtf8_Overlong_ReturnsMalformed")]
    [TestCase(new byte[] { 0xED, 0xA0, 0x80 }, TestName = "ReadAsync_InvalidUtf8_EncodedSurrogate_ReturnsMalformed")]
    [TestCase(new byte[] { 0xF4, 0x90, 0x80, 0x80 }, TestName = "ReadAsync_InvalidUtf8_PastU10FFFF_ReturnsMalformed")]
    public async Task ReadAsync_InvalidUtf8InAString_ReturnsMalformed(byte[] invalid)
    {
        byte[] text =
        [
            .. Encoding.UTF8.GetBytes("""{"workflow_name": "OrderProcess", "input_payload": {"note": "a"""),
            .. invalid,
            .. Encoding.UTF8.GetBytes("\"}}"),
        ];

        var body = await ReadAsync(text);

        Assert.That(body, Is.EqualTo(new StartRequestOutcome.Malformed("The request body is not valid UTF-8.")));
    }

    [TestCase("""{"workflow_name": "OrderProcess", "input_payload": {"note": "\ud800"}}""")]
    [TestCase("""{"workflow_name": "OrderProcess", "input_payload": {"note": "x\udc00y"}}""")]
    [TestCase("""{"workflow_name": "OrderProcess", "input_payload": {"note": "\ude00\ud83d"}}""")]
    [TestCase("""{"workflow_name": "OrderProcess", "input_payload": {"\ud83d": 1}}""")]
    [TestCase("""{"workflow_name": "Order\ud800Process"}""")]
    [TestCase("""{"workflow_name": "OrderProcess", "extra": ["\udfff"]}""")]
    public async Task ReadAsync_UnpairedSurrogateEscape_ReturnsMalformed(string text)
    {
        var body = await ReadAsync(text);

        Assert.That(body, Is.TypeOf<StartRequestOutcome.Malformed>());
        Assert.That(((StartRequestOutcome.Malformed)body).Detail, Does.StartWith("The request body is not valid Unicode"));
    }

    [Test]
    public async Task ReadAsync_EscapedSurrogatePairAndRawNonAscii_AreKeptAsSent()
    {
        const string Payload = """{"emoji": "\ud83d\ude00", "raw": "é😀", "escaped": "\u00e9\n\"\\\/"}""";

        var command = AssertCommand(await ReadAsync(StartBody(Payload)));

        Assert.That(command.InputPayload?.GetRawText(), Is.EqualTo(Payload));
    }

    [Test]
    public async Task ReadAsync_LeadingByteOrderMark_IsIgnored()
    {
        byte[] text = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("""{"workflow_name": "OrderProcess"}""")];

        var command = AssertCommand(await ReadAsync(text));

        Assert.That(command.WorkflowName, Is.EqualTo("OrderProcess"));
    }

    [Test]
    public async Task ReadAsync_BodyOverTheLimit_ReturnsTooLarge()
    {
        var text = StartBody("""{"note": "this body is longer than sixty-four bytes"}""");

        var declared = await ReadAsync(text, limits: Limits(maxRequestBodyBytes: 64));
        var undeclared = await ReadAsync(Encoding.UTF8.GetBytes(text), limits: Limits(maxRequestBodyBytes: 64), declareLength: false);

        var expected = new StartRequestOutcome.TooLarge("The request body is larger than 64 bytes.");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(declared, Is.EqualTo(expected));
            Assert.That(undeclared, Is.EqualTo(expected));
        }
    }

    [Test]
    public async Task ReadAsync_BodyExactlyAtTheLimit_ReturnsCommand()
    {
        var text = StartBody("{}");
        var bytes = Encoding.UTF8.GetBytes(text);

        var body = await ReadAsync(bytes, limits: Limits(maxRequestBodyBytes: bytes.Length), declareLength: false);

        AssertCommand(body);
    }

    [TestCase("[]", "an array")]
    [TestCase("\"OrderProcess\"", "a string")]
    [TestCase("null", "null")]
    [TestCase("12", "a number")]
    public async Task ReadAsync_BodyNotAnObject_ReturnsMalformed(string text, string described)
    {
        var body = await ReadAsync(text);

        Assert.That(body, Is.EqualTo(new StartRequestOutcome.Malformed($"The request body must be a JSON object, not {described}.")));
    }

    [TestCase("""{"workflow_name": "OrderProcess", "workflow_name": "UserOnboarding"}""")]
    [TestCase("""{"workflow_name": "OrderProcess", "input_payload": {"amount": 1, "amount": 2}}""")]
    public async Task ReadAsync_DuplicatePropertyNames_ReturnsMalformed(string text)
    {
        var body = await ReadAsync(text);

        Assert.That(body, Is.TypeOf<StartRequestOutcome.Malformed>());
    }

    [TestCase("application/json")]
    [TestCase("application/json; charset=utf-8")]
    [TestCase("Application/JSON; charset=UTF-8")]
    [TestCase("application/json; charset=\"UTF-8\"")]
    [TestCase("application/json; charset=utf8")]
    public async Task ReadAsync_JsonContentType_IsAccepted(string contentType)
    {
        var body = await ReadAsync("""{"workflow_name": "OrderProcess"}""", contentType);

        Assert.That(body, Is.TypeOf<StartRequestOutcome.Command>());
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("text/plain")]
    [TestCase("application/x-www-form-urlencoded")]
    [TestCase("application/xml")]
    [TestCase("application/json; charset=utf-16")]
    [TestCase("application/json; charset=utf-8; charset=latin1")]
    [TestCase("application/json; charset=utf-8; charset=utf-8")]
    [TestCase("application/merge-patch+json")]
    [TestCase("application/problem+json")]
    [TestCase("application/vnd.goflow+json")]
    [TestCase("text/json")]
    [TestCase("not a media type")]
    public async Task ReadAsync_ContentTypeNotUtf8Json_ReturnsUnsupportedMediaType(string? contentType)
    {
        var body = await ReadAsync("""{"workflow_name": "OrderProcess"}""", contentType);

        Assert.That(body, Is.TypeOf<StartRequestOutcome.UnsupportedMediaType>());
    }

    private static Task<StartRequestOutcome> ReadAsync(
        string text, string? contentType = "application/json", ApiOptions? limits = null) =>
        ReadAsync(Encoding.UTF8.GetBytes(text), contentType, limits);

    private static async Task<StartRequestOutcome> ReadAsync(
        byte[] bytes, string? contentType = "application/json", ApiOptions? limits = null, bool declareLength = true)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Post;
        context.Request.ContentType = contentType;
        context.Request.ContentLength = declareLength ? bytes.Length : null;
        context.Request.Body = new MemoryStream(bytes);
        return await StartWorkflowRequestReader.ReadAsync(context.Request, limits ?? new ApiOptions(), CancellationToken.None);
    }

    private static ApiOptions Limits(int maxPayloadDepth = 31, int maxRequestBodyBytes = 1024 * 1024) =>
        new() { MaxPayloadDepth = maxPayloadDepth, MaxRequestBodyBytes = maxRequestBodyBytes };

    private static string StartBody(string payload) =>
        $$"""{"workflow_name": "OrderProcess", "input_payload": {{payload}}}""";

    private static void AssertTooDeep(StartRequestOutcome body, int limit)
    {
        Assert.That(body, Is.TypeOf<StartRequestOutcome.InvalidField>(), body.ToString());
        var invalid = (StartRequestOutcome.InvalidField)body;
        Assert.That(invalid.Field, Is.EqualTo("input_payload"));
        Assert.That(invalid.Message, Does.StartWith($"input_payload is nested more than {limit} levels deep"));
    }

    private static StartWorkflowCommand AssertCommand(StartRequestOutcome body)
    {
        Assert.That(body, Is.TypeOf<StartRequestOutcome.Command>(), body.ToString());
        return ((StartRequestOutcome.Command)body).Value;
    }
}
