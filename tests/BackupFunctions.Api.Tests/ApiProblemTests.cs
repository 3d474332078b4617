using System.Text.Json;
using BackupFunctions.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace BackupFunctions.Api.Tests;

public sealed class ApiProblemTests
{
    [Fact]
    public void A_validation_problem_is_rfc7807_with_the_errors()
    {
        var json = JsonSerializer.Serialize(ApiProblem.Invalid(["a is wrong.", "b is wrong."]), ApiJson.Options);

        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal("https://tools.ietf.org/html/rfc9110#section-15.5.1", root.GetProperty("type").GetString());
        Assert.Equal("The request is not valid.", root.GetProperty("title").GetString());
        Assert.Equal(400, root.GetProperty("status").GetInt32());
        Assert.Equal("a is wrong. b is wrong.", root.GetProperty("detail").GetString());
        Assert.Equal(["a is wrong.", "b is wrong."], root.GetProperty("errors").EnumerateArray().Select(e => e.GetString()));
        Assert.False(root.TryGetProperty("statusCode", out _));
    }

    [Fact]
    public void A_problem_without_errors_has_no_errors_member()
    {
        var json = JsonSerializer.Serialize(ApiProblem.NotFound("No backup has the id 'x'."), ApiJson.Options);

        using var doc = JsonDocument.Parse(json);
        Assert.Equal(404, doc.RootElement.GetProperty("status").GetInt32());
        Assert.False(doc.RootElement.TryGetProperty("errors", out _));
    }

    public static TheoryData<ApiProblem> EveryKind => new()
    {
        ApiProblem.Invalid(["a is wrong.", "b is wrong."]),
        ApiProblem.Unauthorized("Send a key."),
        ApiProblem.Forbidden("An admin key is needed."),
        ApiProblem.NotFound("No backup has the id 'x'."),
        ApiProblem.Gone("Instance 'x' is Completed."),
        ApiProblem.Unavailable("The control database did not answer."),
    };

    /// <summary>The self-hosted host writes problems through ASP.NET Core, the Function App serializes the record: one document.</summary>
    [Theory]
    [MemberData(nameof(EveryKind))]
    public async Task The_result_the_host_writes_is_the_document_the_function_app_writes(ApiProblem problem)
    {
        using var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var http = new DefaultHttpContext { RequestServices = services };
        http.Response.Body = new MemoryStream();

        await problem.ToResult().ExecuteAsync(http);

        Assert.Equal(problem.Status, http.Response.StatusCode);
        Assert.StartsWith(ApiProblem.ContentType, http.Response.ContentType);
        http.Response.Body.Position = 0;
        using var written = await JsonDocument.ParseAsync(http.Response.Body);
        using var serialized = JsonDocument.Parse(JsonSerializer.Serialize(problem, ApiJson.Options));
        foreach (var member in serialized.RootElement.EnumerateObject())
        {
            Assert.True(
                JsonElement.DeepEquals(member.Value, written.RootElement.GetProperty(member.Name)),
                $"{member.Name}: {member.Value} was written as {written.RootElement.GetProperty(member.Name)}");
        }

        Assert.Equal(problem.Errors is not null, written.RootElement.TryGetProperty("errors", out _));
    }
}
