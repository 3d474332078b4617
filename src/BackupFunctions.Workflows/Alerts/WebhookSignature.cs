using System.Security.Cryptography;
using System.Text;

namespace BackupFunctions.Workflows.Alerts;

/// <summary>
/// The webhook's proof of origin: "sha256=" + lower-case hex HMAC-SHA256 of the exact body bytes under the channel's
/// signing key. The body carries the timestamp (also sent as a header), so a receiver that checks the signature and
/// rejects old timestamps is safe from replays.
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-BackupFunctions-Signature";
    public const string TimestampHeader = "X-BackupFunctions-Timestamp";
    public const string DeliveryHeader = "X-BackupFunctions-Delivery";

    public static string Sign(ReadOnlySpan<byte> body, string key) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), body));

    /// <summary>Checks a received signature in constant time (what a receiver does; also used by the tests).</summary>
    public static bool Verify(ReadOnlySpan<byte> body, string key, string? header) =>
        header is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(body, key)), Encoding.ASCII.GetBytes(header));
}
