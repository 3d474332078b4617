using System.Net;
using System.Text.Json.Serialization;

namespace BackupFunctions.Functions.Http;

/// <summary>
/// An RFC 7807 problem-details answer (<c>application/problem+json</c>), shaped as the self-hosted host's: the
/// detail says what was wrong and what to send instead; a validation failure also lists every error.
/// </summary>
public sealed record ApiProblem(
    [property: JsonPropertyOrder(0)] string Type,
    [property: JsonPropertyOrder(1)] string Title,
    [property: JsonPropertyOrder(2)] int Status,
    [property: JsonPropertyOrder(3)] string Detail,
    [property: JsonPropertyOrder(4), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Errors = null)
{
    public const string ContentType = "application/problem+json";

    [JsonIgnore]
    public HttpStatusCode StatusCode => (HttpStatusCode)Status;

    public static ApiProblem BadRequest(string detail, IReadOnlyList<string>? errors = null) =>
        new("https://tools.ietf.org/html/rfc9110#section-15.5.1", "The request is not valid.", 400, detail, errors);

    public static ApiProblem Invalid(IReadOnlyList<string> errors) => BadRequest(string.Join(" ", errors), errors);

    public static ApiProblem NotFound(string detail) =>
        new("https://tools.ietf.org/html/rfc9110#section-15.5.5", "Not found.", 404, detail);

    public static ApiProblem Unavailable(string detail) =>
        new("https://tools.ietf.org/html/rfc9110#section-15.6.4", "Not available.", 503, detail);
}
