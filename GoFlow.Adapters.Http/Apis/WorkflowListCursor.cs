using System.Buffers.Binary;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using GoFlow.Domain;
using GoFlow.Ports.ReadModels;

namespace GoFlow.Adapters.Http.Apis;

/// <summary>
/// The <c>cursor</c> of GET /workflows: a <see cref="WorkflowListPosition"/> as an opaque, URL-safe string.
/// </summary>
/// <remarks>
/// Layout, base64url without padding: a version byte, the position's creation time as UTC ticks (8 bytes, big-endian),
/// the workflow id (16 bytes, big-endian as the UUID is written), and the first 4 bytes of the SHA-256 of those 25.
/// The checksum is not a signature: a position is no secret and any position is a query the filters allow anyway. It
/// is there so that a cursor that was cut, mistyped or edited is refused with a 400 instead of quietly listing from
/// somewhere else. The version byte leaves room to change the layout while old cursors are still answered.
/// </remarks>
internal static class WorkflowListCursor
{
    private const byte Version = 1;
    private const int PositionBytes = 1 + sizeof(long) + 16;
    private const int ChecksumBytes = 4;
    private const int TotalBytes = PositionBytes + ChecksumBytes;

    /// <summary>Base64url without padding: four characters for every three bytes, rounded up.</summary>
    private const int EncodedLength = ((TotalBytes * 4) + 2) / 3;

    public static string Encode(WorkflowListPosition position)
    {
        Span<byte> bytes = stackalloc byte[TotalBytes];
        bytes[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(bytes[1..], position.CreatedAt.UtcTicks);
        _ = position.Id.Value.TryWriteBytes(bytes[9..PositionBytes], bigEndian: true, out _);
        Checksum(bytes[..PositionBytes]).CopyTo(bytes[PositionBytes..]);
        return Base64Url.EncodeToString(bytes);
    }

    /// <returns>Whether <paramref name="text"/> is a cursor this API wrote; anything else is not decoded.</returns>
    public static bool TryDecode(string text, [NotNullWhen(true)] out WorkflowListPosition? position)
    {
        position = null;

        // The only length a cursor has; checking it first keeps a long string from being decoded at all.
        if (text.Length != EncodedLength)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[TotalBytes];
        if (!TryDecodeBase64Url(text, bytes))
        {
            return false;
        }

        if (bytes[0] != Version
            || !CryptographicOperations.FixedTimeEquals(Checksum(bytes[..PositionBytes]), bytes[PositionBytes..]))
        {
            return false;
        }

        var ticks = BinaryPrimitives.ReadInt64BigEndian(bytes[1..]);
        if (ticks < 0 || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }

        var id = new Guid(bytes[9..PositionBytes], bigEndian: true);
        position = new WorkflowListPosition(new DateTimeOffset(ticks, TimeSpan.Zero), new WorkflowId(id));
        return true;
    }

    private static bool TryDecodeBase64Url(string text, Span<byte> bytes)
    {
        // Base64url's alphabet only, and its one spelling of these bytes: a decoder ignores the bits a last character
        // carries beyond the data (or refuses them, as WebEncoders does, with an exception), so a cursor with other
        // bits there would be a second spelling of the same position.
        foreach (var character in text)
        {
            if (!(char.IsAsciiLetterOrDigit(character) || character is '-' or '_'))
            {
                return false;
            }
        }

        try
        {
            return Base64Url.TryDecodeFromChars(text, bytes, out var written)
                && written == TotalBytes
                && Base64Url.EncodeToString(bytes).Equals(text, StringComparison.Ordinal);
        }
        catch (FormatException)
        {
            // Despite its name, TryDecodeFromChars throws for a last character with bits set beyond the data.
            return false;
        }
    }

    private static byte[] Checksum(ReadOnlySpan<byte> position) => SHA256.HashData(position)[..ChecksumBytes];
}
