namespace BackupFunctions.Pipeline.Manifests;

/// <summary>Where one backup lives in a target: its folder, artifact and manifest keys.</summary>
public sealed record BackupObjectKeys(string Folder, string Artifact, string Manifest);
