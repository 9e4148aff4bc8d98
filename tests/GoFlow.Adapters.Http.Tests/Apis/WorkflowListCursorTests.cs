using System.Buffers.Binary;
using System.Security.Cryptography;
using GoFlow.Adapters.Http.Apis;
using GoFlow.Domain;
using GoFlow.Ports.ReadModels;
using Microsoft.AspNetCore.WebUtilities;

namespace GoFlow.Adapters.Http.Tests.Apis;

public sealed class WorkflowListCursorTests
{
    private static readonly WorkflowListPosition Position = new(
        new DateTimeOffset(2025, 1, 2, 3, 4, 5, 123, 456, TimeSpan.FromHours(2)),
        new WorkflowId(Guid.Parse("01936f4e-8a2b-7c3d-9e4f-0a1b2c3d4e5f")));

    [Test]
    public void Encode_ThenDecode_GivesThePositionBackToTheTick()
    {
        var cursor = WorkflowListCursor.Encode(Position);

        Assert.That(WorkflowListCursor.TryDecode(cursor, out var decoded), Is.True, cursor);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(decoded!.CreatedAt.UtcTicks, Is.EqualTo(Position.CreatedAt.UtcTicks));
            Assert.That(decoded.CreatedAt.Offset, Is.EqualTo(TimeSpan.Zero));
            Assert.That(decoded.Id, Is.EqualTo(Position.Id));
        }
    }

    [Test]
    public void Encode_Position_IsUrlSafeWithoutPadding()
    {
        var cursor = WorkflowListCursor.Encode(Position);

        Assert.That(cursor, Does.Match("^[A-Za-z0-9_-]+$"));
    }

    [TestCase("")]
    [TestCase("x")]
    [TestCase("not a cursor at all")]
    [TestCase("AQjfSyy0HB84AaIUPirEex6YRx6fwN-5_n7si2Y=")]
    [TestCase("AQjfSyy0HB84AaIUPirEex6YRx6fwN+5/n7si2Y")]
    [TestCase("AQjfSyy0HB84AaIUPirEex6YRx6fwN-5_n7si2\u00e9")]
    public void TryDecode_NotACursor_IsRefused(string text)
    {
        Assert.That(WorkflowListCursor.TryDecode(text, out var position), Is.False);
        Assert.That(position, Is.Null);
    }

    [Test]
    public void TryDecode_EveryCharacterChangedInTurn_IsRefused()
    {
        var cursor = WorkflowListCursor.Encode(Position);

        // The last character carries two spare bits, so some of its changes decode to the same bytes; every other
        // character holds six bits of the position or its checksum.
        for (var index = 0; index < cursor.Length - 1; index++)
        {
            var changed = cursor[..index] + (cursor[index] == 'A' ? 'B' : 'A') + cursor[(index + 1)..];
            Assert.That(WorkflowListCursor.TryDecode(changed, out _), Is.False, $"changed at {index}: {changed}");
        }
    }

    [Test]
    public void TryDecode_WellFormedButUnknownVersion_IsRefused()
    {
        var bytes = Bytes(version: 2, Position.CreatedAt.UtcTicks);

        Assert.That(WorkflowListCursor.TryDecode(WebEncoders.Base64UrlEncode(bytes), out _), Is.False);
    }

    [TestCase(-1L)]
    [TestCase(long.MaxValue)]
    public void TryDecode_TimeOutOfRangeWithAValidChecksum_IsRefusedNotThrown(long ticks)
    {
        var bytes = Bytes(version: 1, ticks);

        Assert.That(WorkflowListCursor.TryDecode(WebEncoders.Base64UrlEncode(bytes), out _), Is.False);
    }

    [Test]
    public void Bytes_CurrentVersion_IsWhatEncodeWrites()
    {
        // Guards the helper below: the refusals above are of cursors that differ from a real one only where they say.
        var bytes = Bytes(version: 1, Position.CreatedAt.UtcTicks);

        Assert.That(WebEncoders.Base64UrlEncode(bytes), Is.EqualTo(WorkflowListCursor.Encode(Position)));
    }

    [Test]
    public void TryDecode_LastCharacterWithDirtyPaddingBits_IsRefusedNotThrown()
    {
        // 29 bytes take 38 characters and 4 bits of the 39th; a 39th character with those bits set spells no cursor.
        Assert.That(WorkflowListCursor.TryDecode(new string('A', 38) + "B", out _), Is.False);
        var cursor = WorkflowListCursor.Encode(Position);
        var dirty = cursor[..^1] + (char)(cursor[^1] + 1);
        Assert.That(WorkflowListCursor.TryDecode(dirty, out _), Is.False, dirty);
    }

    [Test]
    public void TryDecode_RandomStringsOfACursorsLength_NeverThrow()
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var random = new Random(18);
        for (var index = 0; index < 2_000; index++)
        {
            var text = new string([.. Enumerable.Range(0, 39).Select(_ => Alphabet[random.Next(Alphabet.Length)])]);
            Assert.DoesNotThrow(() => WorkflowListCursor.TryDecode(text, out _), text);
        }

        var cursor = WorkflowListCursor.Encode(Position);
        Assert.DoesNotThrow(() => WorkflowListCursor.TryDecode(cursor.ToLowerInvariant(), out _));
        Assert.DoesNotThrow(() => WorkflowListCursor.TryDecode(cursor.ToUpperInvariant(), out _));
    }

    /// <summary>A cursor's bytes built by hand, with a correct checksum, as the layout in WorkflowListCursor describes.</summary>
    private static byte[] Bytes(byte version, long ticks)
    {
        var bytes = new byte[29];
        bytes[0] = version;
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(1), ticks);
        Position.Id.Value.TryWriteBytes(bytes.AsSpan(9, 16), bigEndian: true, out _);
        SHA256.HashData(bytes.AsSpan(0, 25)).AsSpan(0, 4).CopyTo(bytes.AsSpan(25));
        return bytes;
    }
}
