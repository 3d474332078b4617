using BackupFunctions.Api;

namespace BackupFunctions.Functions.Http;

/// <summary>A start request either becomes a <see cref="StartPlan"/> or is answered with a problem; never both.</summary>
public sealed record StartDecision(StartPlan? Plan, ApiProblem? Problem)
{
    public static StartDecision Run(StartPlan plan) => new(plan, null);

    public static StartDecision Refuse(ApiProblem problem) => new(null, problem);
}
