using System.Collections.Specialized;
using BackupFunctions.Functions.Http;

namespace BackupFunctions.Functions.Tests.Http;

public sealed class QueryValuesTests
{
    [Fact]
    public void Values_that_parse_are_read_and_absent_ones_fall_back()
    {
        var query = new QueryValues(new NameValueCollection { ["limit"] = "50", ["includeAcknowledged"] = "true", ["database"] = " app " });

        Assert.Equal(50, query.Int("limit", 1, 1000));
        Assert.True(query.Bool("includeAcknowledged", false));
        Assert.Equal("app", query.Text("database"));
        Assert.Null(query.Int("top", 1, 10));
        Assert.Empty(query.Errors);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("-5")]
    [InlineData("ten")]
    public void A_limit_out_of_range_or_not_a_number_is_an_error(string limit)
    {
        var query = new QueryValues(new NameValueCollection { ["limit"] = limit });

        Assert.Null(query.Int("limit", 1, 1000));
        Assert.Contains($"limit='{limit}'", Assert.Single(query.Errors));
    }

    [Fact]
    public void A_flag_that_is_not_true_or_false_is_an_error()
    {
        var query = new QueryValues(new NameValueCollection { ["includeAcknowledged"] = "yes" });

        Assert.False(query.Bool("includeAcknowledged", false));
        Assert.Single(query.Errors);
    }
}
