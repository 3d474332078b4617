using System.Reflection.PortableExecutable;

namespace BackupFunctions.Functions.Tests.Package;

/// <summary>
/// Whether an assembly holds ReadyToRun code: crossgen2 points the CLI header's ManagedNativeHeader at a
/// READYTORUN_HEADER, whose signature is "RTR". A plain IL assembly has no such directory.
/// </summary>
internal static class ReadyToRunImage
{
    private const uint Signature = 0x00525452; // "RTR\0", little-endian

    public static bool Is(Stream assembly)
    {
        using var pe = new PEReader(assembly, PEStreamOptions.LeaveOpen | PEStreamOptions.PrefetchEntireImage);
        var cor = pe.PEHeaders.CorHeader ?? throw new InvalidOperationException("Not a managed assembly (no CLI header).");
        var native = cor.ManagedNativeHeaderDirectory;
        if (native.Size == 0)
        {
            return false;
        }

        var reader = pe.GetSectionData(native.RelativeVirtualAddress).GetReader();
        return reader.Length >= sizeof(uint) && reader.ReadUInt32() == Signature;
    }

    public static bool Is(string path)
    {
        using var file = File.OpenRead(path);
        return Is(file);
    }
}
