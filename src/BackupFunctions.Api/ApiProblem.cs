using System.Net;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace BackupFunctions.Api;

/// <summary>
/// An RFC 7807 problem-details answer (<c>application/problem+json</c>). The detail always says what was wrong and
/// what to send instead; a validation failure also lists every error. The self-hosted host answers with
/// <see cref="ToResult"/>; the Function App serializes the record itself onto its response.
/// </summary>
public sealed record ApiProblem(
    [property: JsonPropertyOrder(0)] string Type,
    [property: JsonPropertyOrder(1)] string Title,
    [property: JsonPropertyOrder(2)] int Status,
    [property: JsonPropertyOrder(3)] string Detail,
    [property: JsonPropertyOrder(4), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Errors = null)
{
    public const string ContentType = "application/problem+json";

    // The types are ASP.NET Core's defaults for these statuses, so both hosts write the same document.
    private const string Rfc9110 = "https://tools.ietf.org/html/rfc9110#section-";

    [JsonIgnore]
    public HttpStatusCode StatusCode => (HttpStatusCode)Status;

    public static ApiProblem BadRequest(string detail, IReadOnlyList<string>? errors = null) =>
        new(Rfc9110 + "15.5.1", "The request is not valid.", StatusCodes.Status400BadRequest, detail, errors);

    public static ApiProblem Invalid(IReadOnlyList<string> errors) => BadRequest(string.Join(" ", errors), errors);

    public static ApiProblem Unauthorized(string detail) =>
        new(Rfc9110 + "15.5.2", "A key is required.", StatusCodes.Status401Unauthorized, detail);

    public static ApiProblem Forbidden(string detail) =>
        new(Rfc9110 + "15.5.4", "The key does not allow this operation.", StatusCodes.Status403Forbidden, detail);

    public static ApiProblem NotFound(string detail) =>
        new(Rfc9110 + "15.5.5", "Not found.", StatusCodes.Status404NotFound, detail);

    public static ApiProblem Gone(string detail) =>
        new(Rfc9110 + "15.5.11", "The instance has finished.", StatusCodes.Status410Gone, detail);

    /// <summary>The request was understood, but what it points at is damaged (a stored manifest that does not verify).</summary>
    public static ApiProblem Unprocessable(string detail) =>
        new(Rfc9110 + "15.5.21", "The stored data is damaged.", StatusCodes.Status422UnprocessableEntity, detail);

    /// <summary>A limit refused the request; the answer carries Retry-After.</summary>
    public static ApiProblem TooManyRequests(string detail) =>
        new("https://tools.ietf.org/html/rfc6585#section-4", "Too many runs of this database.", StatusCodes.Status429TooManyRequests, detail);

    public static ApiProblem Unavailable(string detail) =>
        new(Rfc9110 + "15.6.4", "Not available.", StatusCodes.Status503ServiceUnavailable, detail);

    /// <summary>The problem as a minimal-API result, written by the app's problem-details service.</summary>
    public IResult ToResult() => Results.Problem(
        detail: Detail,
        statusCode: Status,
        title: Title,
        type: Type,
        extensions: Errors is null ? null : new Dictionary<string, object?> { ["errors"] = Errors });
}
