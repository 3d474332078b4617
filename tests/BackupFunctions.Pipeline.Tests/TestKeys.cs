using BackupFunctions.Pipeline.Keys;

namespace BackupFunctions.Pipeline.Tests;

internal static class TestKeys
{
    public static KeyEncryptionKey Fixed(string id, byte fill) => new(id, Enumerable.Repeat(fill, 32).ToArray());

    public static byte[] Data(int length, int seed = 1)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }
}
