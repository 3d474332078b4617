namespace BackupFunctions.Durable;

/// <summary>A serialized input, output, event or status is above <see cref="DurableTaskOptions.MaxPayloadBytes"/>.</summary>
public sealed class PayloadTooLargeException : Exception
{
    public PayloadTooLargeException(string what, long size, long limit)
        : base($"The {what} is {size:N0} bytes once serialized, above the limit of {limit:N0} bytes " +
               "(DurableTaskOptions.MaxPayloadBytes). Pass a reference (an object key, a file path) instead of the data, " +
               "or raise the limit.")
    {
        What = what;
        Size = size;
        Limit = limit;
    }

    public string What { get; }

    public long Size { get; }

    public long Limit { get; }
}
