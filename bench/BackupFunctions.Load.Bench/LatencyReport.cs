namespace BackupFunctions.Load.Bench;

/// <summary>Answers per second, status codes, errors and latency percentiles of a set of outcomes.</summary>
internal static class LatencyReport
{
    public static string Line(string label, IReadOnlyCollection<Outcome> outcomes, TimeSpan wall)
    {
        var answered = outcomes.Where(o => o.Status != 0).ToArray();
        var errors = outcomes.Count - answered.Length;
        var codes = string.Join(", ", answered.GroupBy(o => o.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"));
        var ms = answered.Select(o => o.Milliseconds).Order().ToArray();
        var lat = ms.Length == 0
            ? "no answers"
            : $"p50 {Pct(ms, 50):F1}  p95 {Pct(ms, 95):F1}  p99 {Pct(ms, 99):F1}  max {ms[^1]:F1}  mean {ms.Average():F1}";
        return $"{label}: {answered.Length} answers in {wall.TotalSeconds:F1} s = {answered.Length / wall.TotalSeconds:F0}/s; codes {{{codes}}}; errors (timeouts, resets) {errors}\n    latency ms from the scheduled time: {lat}";
    }

    private static double Pct(double[] sorted, int q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Round(q / 100.0 * (sorted.Length - 1)))];
}
