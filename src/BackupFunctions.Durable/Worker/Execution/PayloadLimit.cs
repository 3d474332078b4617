using System.Text;

namespace BackupFunctions.Durable.Worker.Execution;

internal static class PayloadLimit
{
    public static void Check(string? text, int maxBytes, string what)
    {
        if (text is null || text.Length * 3L <= maxBytes)
        {
            return;
        }

        var size = Encoding.UTF8.GetByteCount(text);
        if (size > maxBytes)
        {
            throw new PayloadTooLargeException(what, size, maxBytes);
        }
    }
}
