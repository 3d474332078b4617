using System.Text;
using System.Text.Json;

namespace BackupFunctions.Functions.Http;

/// <summary>Reads a JSON request body into a record, turning every kind of bad input into a message for a 400.</summary>
public static class RequestBody
{
    /// <summary>At most this much is read; requests here are small, and a huge body is a mistake or an attack.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>The body as text, or null when it is over <see cref="MaxBytes"/>.</summary>
    public static async Task<string?> ReadTextAsync(Stream body, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>
    /// The request, or the reason it is not one. Null text means the body was too large; an empty body is the
    /// default request where <paramref name="emptyMeansDefault"/>, else an error.
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
            var value = JsonSerializer.Deserialize<T>(text, ApiJson.StrictRequest);
            return value is null ? (null, "The body is JSON null; send a JSON object.") : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, $"The body is not valid JSON for this request: {ex.Message}");
        }
    }
}
