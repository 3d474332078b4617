using System.Security.Claims;
using System.Text;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace BackupFunctions.Functions.Tests.Support;

/// <summary>
/// An HTTP trigger's request as the worker hands it to a function: a URL (with its query), a body, and a
/// <see cref="CreateResponse"/> that records what the function answered. The Functions host in front (keys, routing)
/// is not here; the package tests check the key level of every route.
/// </summary>
internal sealed class FakeHttpRequestData(FunctionContext context, string method, string url, string? body = null) : HttpRequestData(context)
{
    public override Stream Body { get; } = new MemoryStream(Encoding.UTF8.GetBytes(body ?? ""));

    public override HttpHeadersCollection Headers { get; } = [];

    public override IReadOnlyCollection<IHttpCookie> Cookies { get; } = [];

    public override Uri Url { get; } = new(url);

    public override IEnumerable<ClaimsIdentity> Identities { get; } = [];

    public override string Method { get; } = method;

    public override HttpResponseData CreateResponse() => new FakeHttpResponseData(FunctionContext);
}
