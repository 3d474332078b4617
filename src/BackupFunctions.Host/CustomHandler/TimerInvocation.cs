namespace BackupFunctions.Host.CustomHandler;

/// <summary>The log category of timer invocations from the Functions host.</summary>
internal sealed class TimerInvocation;
