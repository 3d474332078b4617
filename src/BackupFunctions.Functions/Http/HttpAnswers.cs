using System.Net;
using System.Text.Json;
using BackupFunctions.Api;
using Microsoft.Azure.Functions.Worker.Http;

namespace BackupFunctions.Functions.Http;

/// <summary>Writes the API's JSON answers and problems onto a Functions response.</summary>
internal static class HttpAnswers
{
    public static async Task<HttpResponseData> JsonAsync<T>(HttpRequestData request, T value, HttpStatusCode status = HttpStatusCode.OK)
    {
        var response = request.CreateResponse(status);
        response.Headers.Add("Content-Type", "application/json; charset=utf-8");
        await response.WriteStringAsync(JsonSerializer.Serialize(value, ApiJson.Options));
        return response;
    }

    public static async Task<HttpResponseData> ProblemAsync(HttpRequestData request, ApiProblem problem)
    {
        var response = request.CreateResponse(problem.StatusCode);
        response.Headers.Add("Content-Type", ApiProblem.ContentType);
        await response.WriteStringAsync(JsonSerializer.Serialize(problem, ApiJson.Options));
        return response;
    }
}
