using System.Collections.Specialized;
using System.Globalization;

namespace BackupFunctions.Functions.Http;

/// <summary>Typed reads of query parameters; a value that does not parse is reported, never guessed.</summary>
public sealed class QueryValues(NameValueCollection query)
{
    private readonly List<string> _errors = [];

    public IReadOnlyList<string> Errors => _errors;

    public string? Text(string name) => query[name] is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

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
}
