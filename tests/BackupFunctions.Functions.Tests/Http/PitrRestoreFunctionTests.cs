using System.Net;
using System.Reflection;
using System.Text.Json;
using BackupFunctions.Functions.Tests.Support;
using BackupFunctions.Functions.Http;
using BackupFunctions.Workflows;
using BackupFunctions.Workflows.Orchestrations;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace BackupFunctions.Functions.Tests.Http;

/// <summary>POST /api/restores/pitr on the Function App: a 501 problem that sends the caller to the self-hosted host, and nothing registered to run.</summary>
public sealed class PitrRestoreFunctionTests
{
    [Fact]
    public void The_answer_is_a_501_problem_that_names_the_self_hosted_host_and_the_cli()
    {
        var problem = PitrRestoreFunction.Problem;

        Assert.Equal(501, problem.Status);
        Assert.Contains("self-hosted host", problem.Detail);
        Assert.Contains("backupctl restore --pitr", problem.Detail);
    }

    [Fact]
    public async Task The_route_answers_that_problem_as_problem_json()
    {
        var context = new FakeFunctionContext("StartPitrRestore", new ServiceCollection().BuildServiceProvider(), new Dictionary<string, object?>());
        var request = new FakeHttpRequestData(context, "POST", "http://localhost/api/restores/pitr", """{"targetTime":"2026-12-01T00:00:00Z"}""");

        var response = (FakeHttpResponseData)await PitrRestoreFunction.StartPitrRestore(request);

        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
        Assert.Equal("application/problem+json", response.Header("Content-Type"));
        Assert.Equal(PitrRestoreFunction.Detail, JsonDocument.Parse(response.BodyText()).RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public void The_pitr_restore_orchestrator_and_its_activities_are_marked_self_hosted_only()
    {
        var marked = typeof(SelfHostedOnlyAttribute).Assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<SelfHostedOnlyAttribute>() is not null)
            .Select(t => t.GetCustomAttribute<DurableTaskAttribute>()?.Name.Name is { Length: > 0 } n ? n : t.Name)
            .Order(StringComparer.Ordinal);

        Assert.Equal(
            ["ChoosePitrBaseBackup", "LayDownBaseBackup", OrchestrationNames.PitrRestore, "StartRecoveryServer", "VerifyPitrRestore", "WriteRecoverySettings"],
            marked);
    }
}
