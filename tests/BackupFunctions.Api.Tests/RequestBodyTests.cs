using System.Text;
using BackupFunctions.Api;
using Microsoft.AspNetCore.Http;

namespace BackupFunctions.Api.Tests;

public sealed class RequestBodyTests
{
    private sealed class Request
    {
        public string Database { get; set; } = "";
    }

    private static HttpRequest With(string body, long? declaredLength = null)
    {
        var http = new DefaultHttpContext();
        http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        http.Request.ContentLength = declaredLength;
        return http.Request;
    }

    [Fact]
    public async Task A_body_is_read_strictly_into_the_request()
    {
        var (value, error) = await RequestBody.ReadAsync<Request>(With("""{"database":"app"}"""), emptyMeansDefault: false, CancellationToken.None);
        Assert.Null(error);
        Assert.Equal("app", value!.Database);

        var (misspelt, because) = await RequestBody.ReadAsync<Request>(With("""{"databse":"app"}"""), emptyMeansDefault: false, CancellationToken.None);
        Assert.Null(misspelt);
        Assert.Equal("The body has a field this request does not take: 'databse'. It takes: database.", because);

        var (twoUnknown, why) = RequestBody.Parse<Request>("""{"Database":"app","backupId":"x","kind":1}""", emptyMeansDefault: false);
        Assert.Null(twoUnknown);
        Assert.Equal("The body has fields this request does not take: 'backupId', 'kind'. It takes: database.", why);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_whether_declared_or_not()
    {
        var large = new string('x', RequestBody.MaxBytes + 1);
        Assert.Null(await RequestBody.ReadTextAsync(With(large), CancellationToken.None));
        Assert.Null(await RequestBody.ReadTextAsync(With("{}", declaredLength: RequestBody.MaxBytes + 1), CancellationToken.None));
        Assert.Null(await RequestBody.ReadTextAsync(new MemoryStream(Encoding.UTF8.GetBytes(large)), CancellationToken.None));
        Assert.Equal("{}", await RequestBody.ReadTextAsync(With("{}", declaredLength: 2), CancellationToken.None));

        var (value, error) = RequestBody.Parse<Request>(null, emptyMeansDefault: true);
        Assert.Null(value);
        Assert.Equal("The body is larger than 64 KiB.", error);
    }

    [Fact]
    public void An_empty_body_is_the_default_request_only_where_that_is_allowed()
    {
        Assert.NotNull(RequestBody.Parse<Request>(" ", emptyMeansDefault: true).Value);
        Assert.Equal("The body is empty; send a JSON object.", RequestBody.Parse<Request>(" ", emptyMeansDefault: false).Error);
    }
}
