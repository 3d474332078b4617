using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace BackupFunctions.Api;

/// <summary>Reads a JSON request body into a record, turning every kind of bad input into a message for a 400.</summary>
public static class RequestBody
{
    /// <summary>At most this much is read; requests here are small, and a huge body is a mistake or an attack.</summary>
    public const int MaxBytes = 64 * 1024;

    public static async Task<(T? Value, string? Error)> ReadAsync<T>(HttpRequest request, bool emptyMeansDefault, CancellationToken ct)
        where T : class, new() =>
        Parse<T>(await ReadTextAsync(request, ct), emptyMeansDefault);

    /// <summary>The body as text, or null when it is over <paramref name="maxBytes"/>; a declared length over it is refused unread.</summary>
    public static Task<string?> ReadTextAsync(HttpRequest request, CancellationToken ct, int maxBytes = MaxBytes) =>
        request.ContentLength > maxBytes ? Task.FromResult<string?>(null) : ReadTextAsync(request.Body, ct, maxBytes);

    /// <summary>The body as text, or null when it is over <paramref name="maxBytes"/>.</summary>
    public static async Task<string?> ReadTextAsync(Stream body, CancellationToken ct, int maxBytes = MaxBytes)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>
    /// The request, or the reason it is not one. Null text means the body was over <see cref="MaxBytes"/>; an empty
    /// body is the default request where <paramref name="emptyMeansDefault"/>, else an error.
    /// </summary>
    public static (T? Value, string? Error) Parse<T>(string? text, bool emptyMeansDefault)
        where T : class, new()
    {
        if (text is null)
        {
            return (null, $"The body is larger than {MaxBytes / 1024} KiB.");
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return emptyMeansDefault ? (new T(), null) : (null, "The body is empty; send a JSON object.");
        }

        try
        {
            if (UnknownFields<T>(text) is { Count: > 0 } unknown)
            {
                return (null, $"The body has {(unknown.Count == 1 ? "a field" : "fields")} this request does not take: " +
                    $"{string.Join(", ", unknown.Select(f => $"'{f}'"))}. It takes: {string.Join(", ", Fields<T>())}.");
            }

            var value = JsonSerializer.Deserialize<T>(text, ApiJson.StrictRequest);
            return value is null ? (null, "The body is JSON null; send a JSON object.") : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, $"The body is not valid JSON for this request: {ex.Message}");
        }
    }

    /// <summary>
    /// Top-level fields the request type does not have, named in the answer without the serializer's wording (which
    /// quotes .NET type names). A misspelt "databse", or a "backupId" the server mints itself, is a 400 that says so.
    /// </summary>
    private static List<string> UnknownFields<T>(string text)
    {
        using var document = JsonDocument.Parse(text);
        if (document.RootElement.ValueKind != JsonValueKind.Object) return [];
        var known = Fields<T>();
        return document.RootElement.EnumerateObject().Select(p => p.Name)
            .Where(name => !known.Contains(name, StringComparer.OrdinalIgnoreCase)).Distinct(StringComparer.Ordinal).ToList();
    }

    private static List<string> Fields<T>() =>
        ApiJson.StrictRequest.GetTypeInfo(typeof(T)).Properties.Select(p => p.Name).ToList();
}
