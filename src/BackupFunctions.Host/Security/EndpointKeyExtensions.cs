using Microsoft.AspNetCore.Builder;

namespace BackupFunctions.Host.Security;

public static class EndpointKeyExtensions
{
    /// <summary>Requires a function key (or an admin key) for the endpoints of <paramref name="builder"/>.</summary>
    public static TBuilder RequireFunctionKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(new KeyAuthorizationFilter(AccessLevel.Function));

    /// <summary>Requires an admin key: restores, terminate and purge.</summary>
    public static TBuilder RequireAdminKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(new KeyAuthorizationFilter(AccessLevel.Admin));
}
