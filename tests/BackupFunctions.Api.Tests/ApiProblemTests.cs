using System.Text.Json;
using BackupFunctions.Functions.Http;

namespace BackupFunctions.Functions.Tests.Http;

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
}
