using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace BackupFunctions.Host.Http;

/// <summary>Reads a JSON request body into a record, turning every kind of bad input into a message for a 400.</summary>
internal static class RequestBody
{
    /// <summary>At most this much is read; requests here are small, and a huge body is a mistake or an attack.</summary>
    public const int MaxBytes = 64 * 1024;

    public static async Task<(T? Value, string? Error)> ReadAsync<T>(HttpRequest request, bool emptyMeansDefault, CancellationToken ct)
        where T : class, new()
    {
        var text = await ReadTextAsync(request, ct);
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
            var value = JsonSerializer.Deserialize<T>(text, ApiJson.StrictRequest);
            return value is null ? (null, "The body is JSON null; send a JSON object.") : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, $"The body is not valid JSON for this request: {ex.Message}");
        }
    }

    /// <summary>The body as text, or null when it is over <paramref name="maxBytes"/>.</summary>
    public static async Task<string?> ReadTextAsync(HttpRequest request, CancellationToken ct, int maxBytes = MaxBytes)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
