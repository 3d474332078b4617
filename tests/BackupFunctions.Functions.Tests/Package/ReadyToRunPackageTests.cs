using System.IO.Compression;

namespace BackupFunctions.Functions.Tests.Package;

/// <summary>
/// The deployable zip's own assemblies are ReadyToRun images, for a shorter cold start (the project's PublishReadyToRun,
/// read by scripts/publish-functions.sh's publish for linux-x64). The detector itself is checked on a known plain IL
/// assembly and a known precompiled one, so a test that passes means the images were precompiled.
/// </summary>
// One collection: each class's fixture would otherwise publish the same zip at the same time.
[Collection(nameof(FunctionAppPackage))]
public sealed class ReadyToRunPackageTests(FunctionAppPackage package) : IClassFixture<FunctionAppPackage>
{
    public static TheoryData<string> OwnAssemblies =>
    [
        "BackupFunctions.Functions.dll",
        "BackupFunctions.Workflows.dll",
        "BackupFunctions.Pipeline.dll",
        "BackupFunctions.Targets.dll",
        "BackupFunctions.Api.dll",
    ];

    [Theory]
    [MemberData(nameof(OwnAssemblies))]
    public void The_app_s_own_assemblies_are_ReadyToRun_images(string name)
    {
        using var zip = ZipFile.OpenRead(package.ZipPath);
        var entry = zip.GetEntry(name);
        Assert.True(entry is not null, $"{name} is not at the root of the zip.");
        Assert.True(ReadyToRunImage.Is(Copy(entry)), $"{name} in the zip is plain IL: the publish did not precompile it.");
    }

    [Fact]
    public void Their_dependencies_from_packages_are_precompiled_too()
    {
        // Npgsql and the Durable Task client ship as IL; ReadyToRun publishing compiles them with the app.
        using var zip = ZipFile.OpenRead(package.ZipPath);
        foreach (var name in new[] { "Npgsql.dll", "Microsoft.DurableTask.Client.dll" })
        {
            var entry = zip.GetEntry(name);
            Assert.True(entry is not null, $"{name} is not at the root of the zip.");
            Assert.True(ReadyToRunImage.Is(Copy(entry)), $"{name} in the zip is plain IL.");
        }
    }

    [Fact]
    public void The_detector_tells_plain_IL_from_a_ReadyToRun_image()
    {
        // This test assembly is a plain (Debug) build; the shared framework's CoreLib is shipped precompiled.
        Assert.False(ReadyToRunImage.Is(typeof(ReadyToRunPackageTests).Assembly.Location));
        Assert.True(ReadyToRunImage.Is(typeof(object).Assembly.Location));
    }

    private static MemoryStream Copy(ZipArchiveEntry entry)
    {
        var copy = new MemoryStream();
        using (var stream = entry.Open())
        {
            stream.CopyTo(copy);
        }

        copy.Position = 0;
        return copy;
    }
}
