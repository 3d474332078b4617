using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace BackupFunctions.Host.Security;

/// <summary>
/// Decides the access level of a presented key. Keys are compared as SHA-256 digests with a
/// fixed-time comparison, so neither the content nor the length of a valid key leaks through timing.
/// Every configured key is compared, whatever matched first, for the same reason.
/// </summary>
public sealed class FunctionKeyAuthorizer
{
    private readonly byte[][] _functionDigests;
    private readonly byte[][] _adminDigests;

    public FunctionKeyAuthorizer(IOptions<FunctionKeyOptions> options)
    {
        _functionDigests = Digests(options.Value.FunctionKeys);
        _adminDigests = Digests(options.Value.AdminKeys);
    }

    public bool HasAnyKey => _functionDigests.Length + _adminDigests.Length > 0;

    public AccessLevel Authorize(string? presentedKey)
    {
        if (string.IsNullOrEmpty(presentedKey))
        {
            return AccessLevel.None;
        }

        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presentedKey));
        var admin = MatchesAny(digest, _adminDigests);
        var function = MatchesAny(digest, _functionDigests);
        return admin ? AccessLevel.Admin : function ? AccessLevel.Function : AccessLevel.None;
    }

    private static bool MatchesAny(byte[] digest, byte[][] candidates)
    {
        var match = false;
        foreach (var candidate in candidates)
        {
            match |= CryptographicOperations.FixedTimeEquals(digest, candidate);
        }

        return match;
    }

    private static byte[][] Digests(IEnumerable<string> keys) =>
        keys.Where(k => !string.IsNullOrWhiteSpace(k))
            .Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k.Trim())))
            .ToArray();
}
