using BackupFunctions.Host.Security;
using Microsoft.Extensions.Options;

namespace BackupFunctions.Host.Tests.Unit;

public sealed class FunctionKeyAuthorizerTests
{
    private static FunctionKeyAuthorizer Authorizer(string[] function, string[] admin) =>
        new(Options.Create(new FunctionKeyOptions { FunctionKeys = [.. function], AdminKeys = [.. admin] }));

    [Fact]
    public void Levels_follow_the_configured_lists()
    {
        var authorizer = Authorizer(["f1", "f2"], ["a1"]);
        Assert.True(authorizer.HasAnyKey);
        Assert.Equal(AccessLevel.Function, authorizer.Authorize("f1"));
        Assert.Equal(AccessLevel.Function, authorizer.Authorize("f2"));
        Assert.Equal(AccessLevel.Admin, authorizer.Authorize("a1"));
        Assert.Equal(AccessLevel.None, authorizer.Authorize("x"));
        Assert.Equal(AccessLevel.None, authorizer.Authorize(""));
        Assert.Equal(AccessLevel.None, authorizer.Authorize(null));
    }

    [Theory]
    [InlineData("secret-key-1")]   // right length, wrong content
    [InlineData("secret-key")]     // a prefix
    [InlineData("secret-key-12")]  // an extension
    [InlineData("SECRET-KEY-0")]   // case differs
    [InlineData(" secret-key-0")]  // padding is not trimmed off what is presented
    public void Only_the_exact_key_matches(string presented)
    {
        Assert.Equal(AccessLevel.None, Authorizer(["secret-key-0"], []).Authorize(presented));
    }

    [Fact]
    public void A_key_in_both_lists_is_admin_and_blank_configured_keys_are_ignored()
    {
        var authorizer = Authorizer(["both", " ", ""], ["both"]);
        Assert.Equal(AccessLevel.Admin, authorizer.Authorize("both"));
        Assert.Equal(AccessLevel.None, authorizer.Authorize(" "));
        Assert.False(Authorizer([" ", ""], []).HasAnyKey);
    }

    [Fact]
    public void Configured_keys_are_trimmed_so_a_newline_from_a_secret_store_does_not_lock_everyone_out()
    {
        Assert.Equal(AccessLevel.Admin, Authorizer([], ["admin-key\n"]).Authorize("admin-key"));
    }
}
