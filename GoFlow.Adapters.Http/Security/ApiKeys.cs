using System.Security.Cryptography;
using System.Text;

namespace GoFlow.Adapters.Http.Security;

/// <summary>
/// The configured API keys, kept only as SHA-256 hashes, and the constant-time check of a presented key against them.
/// </summary>
/// <remarks>
/// Both sides are hashed before they are compared, so the comparison always runs over 32 bytes: how long it takes says
/// nothing about the length of a key or how much of it a caller guessed right. Every key is compared, without stopping
/// at a match, so the time does not tell which key matched either.
/// </remarks>
internal sealed class ApiKeys
{
    private readonly byte[][] _hashes;

    public ApiKeys(IEnumerable<string> keys) => _hashes = [.. keys.Select(Hash)];

    /// <summary>Whether any key is configured, and so every request but the health checks must present one.</summary>
    public bool AreRequired => _hashes.Length > 0;

    public bool Accepts(string presented)
    {
        var hash = Hash(presented);
        var accepted = false;
        foreach (var known in _hashes)
        {
            // Non-short-circuiting |, so that every key is compared whatever the outcome of the one before.
            accepted |= CryptographicOperations.FixedTimeEquals(hash, known);
        }

        return accepted;
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
