using System.Net;
using System.Text;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace BackupFunctions.Functions.Tests.Support;

/// <summary>A response whose body can be read back as text.</summary>
internal sealed class FakeHttpResponseData(FunctionContext context) : HttpResponseData(context)
{
    public override HttpStatusCode StatusCode { get; set; } = HttpStatusCode.OK;

    public override HttpHeadersCollection Headers { get; set; } = [];

    public override Stream Body { get; set; } = new MemoryStream();

    public override HttpCookies Cookies => throw new NotSupportedException("The functions under test set no cookies.");

    public string BodyText() => Encoding.UTF8.GetString(((MemoryStream)Body).ToArray());

    /// <summary>A problem's detail, as a person reads it (the body's JSON escapes quotes and such).</summary>
    public string Detail() => System.Text.Json.JsonDocument.Parse(BodyText()).RootElement.GetProperty("detail").GetString() ?? "";

    public string? Header(string name) => Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}
