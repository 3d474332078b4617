using System.Collections.Specialized;
using BackupFunctions.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace BackupFunctions.Api.Tests;

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

    [Fact]
    public void The_hosts_query_collection_reads_as_the_function_apps_name_value_collection()
    {
        var pairs = new Dictionary<string, string> { ["limit"] = "50", ["includeAcknowledged"] = "yes", ["database"] = " app ", ["blank"] = "  " };
        var fromHost = new QueryValues(new QueryCollection(pairs.ToDictionary(p => p.Key, p => new StringValues(p.Value))));
        var names = new NameValueCollection();
        foreach (var (key, value) in pairs)
        {
            names[key] = value;
        }

        var fromFunctions = new QueryValues(names);

        foreach (var query in new[] { fromHost, fromFunctions })
        {
            Assert.Equal(50, query.Int("limit", 1, 1000));
            Assert.False(query.Bool("includeAcknowledged", false));
            Assert.Equal("app", query.Text("database"));
            Assert.Null(query.Text("blank"));
            Assert.Null(query.Text("absent"));
        }

        Assert.Equal(fromHost.Errors, fromFunctions.Errors);
    }

    [Fact]
    public void A_time_is_iso_8601_and_utc_when_it_names_no_offset()
    {
        var query = new QueryValues(new NameValueCollection { ["from"] = "2026-01-31T02:00:00", ["to"] = "2026-01-31T04:00:00+02:00", ["bad"] = "yesterday" });

        Assert.Equal(new DateTimeOffset(2026, 1, 31, 2, 0, 0, TimeSpan.Zero), query.Time("from"));
        Assert.Equal(new DateTimeOffset(2026, 1, 31, 2, 0, 0, TimeSpan.Zero), query.Time("to"));
        Assert.Null(query.Time("bad"));
        Assert.Contains("bad='yesterday'", Assert.Single(query.Errors));
    }

    [Fact]
    public void An_enum_list_takes_names_in_any_case_and_reports_numbers_and_unknown_names()
    {
        var query = new QueryValues(new NameValueCollection { ["days"] = "monday, FRIDAY,,1,Someday" });

        Assert.Equal([DayOfWeek.Monday, DayOfWeek.Friday], query.EnumList<DayOfWeek>("days"));
        Assert.Equal(2, query.Errors.Count);
        Assert.Contains(query.Errors, e => e.Contains("'1'"));
        Assert.Contains(query.Errors, e => e.Contains("'Someday'"));
    }
}
