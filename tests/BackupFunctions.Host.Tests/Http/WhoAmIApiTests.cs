using System.Net;
using BackupFunctions.Host.Tests.Support;

namespace BackupFunctions.Host.Tests.Http;

/// <summary>GET /api/whoami tells the dashboard the level of the key it signed in with; it needs a valid key itself.</summary>
[Collection(HostCollection.Name)]
public sealed class WhoAmIApiTests(TestHostFixture fixture)
{
    [Fact]
    public async Task It_answers_the_level_of_the_key_sent_and_401_without_a_valid_key()
    {
        Assert.Equal("function", (await (await fixture.FunctionClient.GetAsync("/api/whoami")).JsonAsync()).Str("level"));
        Assert.Equal("admin", (await (await fixture.AdminClient.GetAsync("/api/whoami")).JsonAsync()).Str("level"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Anonymous.GetAsync("/api/whoami")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Host.Client("not-a-key").GetAsync("/api/whoami")).StatusCode);
    }
}
