using System.Collections.Specialized;
using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace BackupFunctions.Api;

/// <summary>Typed reads of query parameters; a value that does not parse is reported, never guessed.</summary>
public sealed class QueryValues
{
    private readonly Func<string, string?> _raw;
    private readonly List<string> _errors = [];

    public QueryValues(IQueryCollection query) =>
        _raw = name => query.TryGetValue(name, out var value) ? value.ToString() : null;

    /// <summary>Over the Functions worker's <c>HttpRequestData.Query</c>; a repeated name reads as its values joined by commas, as above.</summary>
    public QueryValues(NameValueCollection query) => _raw = name => query[name];

    public IReadOnlyList<string> Errors => _errors;

    public string? Text(string name) => _raw(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    public bool Bool(string name, bool fallback)
    {
        var text = Text(name);
        if (text is null)
        {
            return fallback;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        _errors.Add($"{name}='{text}' is not true or false.");
        return fallback;
    }

    public int? Int(string name, int min, int max)
    {
        var text = Text(name);
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        _errors.Add($"{name}='{text}' is not a whole number from {min} to {max}.");
        return null;
    }

    public DateTimeOffset? Time(string name)
    {
        var text = Text(name);
        if (text is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            return value;
        }

        _errors.Add($"{name}='{text}' is not a date and time; use ISO 8601, e.g. 2026-01-31T02:00:00Z.");
        return null;
    }

    public IReadOnlyList<T>? EnumList<T>(string name) where T : struct, Enum
    {
        var text = Text(name);
        if (text is null)
        {
            return null;
        }

        var values = new List<T>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Names only: Enum.TryParse also takes numbers ("0"), which the API does not document.
            if (Enum.TryParse<T>(part, ignoreCase: true, out var value) && Enum.IsDefined(value) && !int.TryParse(part, out _))
            {
                values.Add(value);
            }
            else
            {
                _errors.Add($"{name} has '{part}', which is not one of {string.Join(", ", Enum.GetNames<T>())}.");
            }
        }

        return values;
    }
}
