using BackupFunctions.Testing;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>The sample database, loaded once and shared (read-only) by the integration tests.</summary>
public sealed class SampleDatabaseFixture : IAsyncLifetime
{
    private TempDatabase? _db;

    public string Name => _db!.Name;

    public async Task InitializeAsync()
    {
        _db = await TempDatabase.CreateAsync("sample");
        await Pg.LoadSampleAsync(_db);
    }

    public async Task DisposeAsync()
    {
        if (_db is not null) await _db.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SampleDatabaseCollection : ICollectionFixture<SampleDatabaseFixture>
{
    public const string Name = "sample database";
}
