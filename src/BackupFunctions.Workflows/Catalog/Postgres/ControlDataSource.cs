using Azure.Core;
using Azure.Identity;
using BackupFunctions.Workflows.Configuration;
using Npgsql;

namespace BackupFunctions.Workflows.Catalog.Postgres;

/// <summary>
/// The control database's connections. With <see cref="EntraId"/> the password is an Entra ID access token for Azure
/// Database for PostgreSQL, fetched before it expires (tokens live about an hour; a new one is taken every 30 minutes),
/// so the app keeps no database password. The connection string names the Entra ID user (for a managed identity, its
/// display name) and has no password.
/// </summary>
public static class ControlDataSource
{
    public const string Password = "Password";
    public const string EntraId = "EntraId";

    /// <summary>The token audience of Azure Database for PostgreSQL.</summary>
    public const string TokenScope = "https://ossrdbms-aad.database.windows.net/.default";

    private static readonly TimeSpan Refresh = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(10);

    /// <param name="credential">Where EntraId tokens come from; DefaultAzureCredential when null.</param>
    public static NpgsqlDataSource Create(ControlOptions options, TokenCredential? credential = null)
    {
        if (string.Equals(options.Authentication, Password, StringComparison.OrdinalIgnoreCase) || string.IsNullOrEmpty(options.Authentication))
        {
            return NpgsqlDataSource.Create(options.ConnectionString);
        }

        if (!string.Equals(options.Authentication, EntraId, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"BackupFunctions:Control:Authentication '{options.Authentication}' is not known: use {Password} (the connection string's password) or {EntraId} (an Entra ID token).");
        }

        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        if (!string.IsNullOrEmpty(builder.ConnectionStringBuilder.Password))
        {
            throw new InvalidOperationException(
                "BackupFunctions:Control:ConnectionString has a password, but Control:Authentication is EntraId: remove the password (the token is the password) or use Password.");
        }

        credential ??= new DefaultAzureCredential();
        var context = new TokenRequestContext([TokenScope]);
        builder.UsePeriodicPasswordProvider(
            async (_, ct) => (await credential.GetTokenAsync(context, ct)).Token, Refresh, RetryAfterFailure);
        return builder.Build();
    }
}
