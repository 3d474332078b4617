namespace BackupFunctions.Workflows.Configuration;

/// <summary>One level of retention rules as bound from configuration; an unset field falls back to the level above.</summary>
public class RetentionRuleOptions
{
    public int? KeepDays { get; set; }

    public int? KeepCount { get; set; }

    public int? Daily { get; set; }

    public int? Weekly { get; set; }

    public int? Monthly { get; set; }

    public IEnumerable<string> Problems(string where)
    {
        foreach (var (name, value) in new[] { ("KeepDays", KeepDays), ("KeepCount", KeepCount), ("Daily", Daily), ("Weekly", Weekly), ("Monthly", Monthly) })
        {
            if (value < 0) yield return $"{where}:{name} is {value}: use 0 (off) or more.";
        }
    }
}
