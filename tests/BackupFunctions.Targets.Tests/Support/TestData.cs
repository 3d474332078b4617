using System.Security.Cryptography;

namespace BackupFunctions.Targets.Tests.Support;

public static class TestData
{
    public const int MiB = 1024 * 1024;

    /// <summary>Deterministic pseudo-random bytes (incompressible, so no store can cheat).</summary>
    public static byte[] Bytes(int length, int seed = 1)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    public static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    public static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        await using (stream)
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            return copy.ToArray();
        }
    }
}
