using Microsoft.AspNetCore.Http;

namespace BackupFunctions.Host.Http;

/// <summary>RFC 7807 problem-details answers. The detail always says what was wrong and what to send instead.</summary>
internal static class Problems
{
    public static IResult BadRequest(string detail, IReadOnlyList<string>? errors = null) =>
        Results.Problem(
            title: "The request is not valid.",
            detail: detail,
            statusCode: StatusCodes.Status400BadRequest,
            extensions: errors is null ? null : new Dictionary<string, object?> { ["errors"] = errors });

    public static IResult Invalid(IReadOnlyList<string> errors) => BadRequest(string.Join(" ", errors), errors);

    public static IResult Unauthorized(string detail) =>
        Results.Problem(title: "A key is required.", detail: detail, statusCode: StatusCodes.Status401Unauthorized);

    public static IResult Forbidden(string detail) =>
        Results.Problem(title: "The key does not allow this operation.", detail: detail, statusCode: StatusCodes.Status403Forbidden);

    public static IResult NotFound(string detail) =>
        Results.Problem(title: "Not found.", detail: detail, statusCode: StatusCodes.Status404NotFound);

    public static IResult Gone(string detail) =>
        Results.Problem(title: "The instance has finished.", detail: detail, statusCode: StatusCodes.Status410Gone);

    public static IResult TooLarge(string detail) =>
        Results.Problem(title: "The payload is too large.", detail: detail, statusCode: StatusCodes.Status413PayloadTooLarge);

    public static IResult Unavailable(string detail) =>
        Results.Problem(title: "Not available.", detail: detail, statusCode: StatusCodes.Status503ServiceUnavailable);
}
