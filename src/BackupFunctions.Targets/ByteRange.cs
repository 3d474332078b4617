namespace BackupFunctions.Targets;

/// <summary>A byte range of an object: <see cref="Offset"/> and an optional <see cref="Length"/> (null = to the end).</summary>
public readonly record struct ByteRange
{
    public ByteRange(long offset, long? length = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (length is { } l) ArgumentOutOfRangeException.ThrowIfNegativeOrZero(l, nameof(length));
        Offset = offset;
        Length = length;
    }

    public long Offset { get; }

    public long? Length { get; }

    /// <summary>The inclusive last byte index, or null when the range runs to the end (HTTP Range form).</summary>
    public long? LastInclusive => Length is { } l ? Offset + l - 1 : null;

    /// <summary>The header value "bytes=a-b" or "bytes=a-".</summary>
    public string ToHttpHeaderValue() => $"bytes={Offset}-{LastInclusive}";

    public override string ToString() => ToHttpHeaderValue();
}
