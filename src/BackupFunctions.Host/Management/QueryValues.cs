using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace BackupFunctions.Host.Management;

/// <summary>Typed reads of query parameters; a value that does not parse is reported, never guessed.</summary>
internal sealed class QueryValues(IQueryCollection query)
{
    private readonly List<string> _errors = [];

    public IReadOnlyList<string> Errors => _errors;

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

    public string? Text(string name) =>
        query.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v.ToString()) ? v.ToString().Trim() : null;
}
