using System.Buffers;
using System.Text;
using BackupFunctions.Pipeline.Scripts;

namespace BackupFunctions.Pipeline.Tests;

public sealed class SqlScriptFilterTests
{
    // What a PostgreSQL 15 server knows, as far as these scripts go.
    private static readonly string[] Pg15 =
    [
        "statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout", "client_encoding", "standard_conforming_strings",
        "search_path", "check_function_bodies", "xmloption", "client_min_messages", "row_security", "default_tablespace",
        "default_table_access_method", "role", "session_authorization",
    ];

    private const string Pg17Header = """
        --
        -- PostgreSQL database dump
        --

        \restrict AbCdEf123

        SET statement_timeout = 0;
        SET lock_timeout = 0;
        SET idle_in_transaction_session_timeout = 0;
        SET transaction_timeout = 0;
        SET client_encoding = 'UTF8';
        SET standard_conforming_strings = on;
        SELECT pg_catalog.set_config('search_path', '', false);
        SET check_function_bodies = false;
        SET xmloption = content;
        SET client_min_messages = warning;
        SET row_security = off;

        """;

    private static (string Output, SqlScriptFilter Filter) Run(string script, bool dropRestrict = false, int chunk = int.MaxValue, IEnumerable<string>? known = null)
    {
        var filter = new SqlScriptFilter(known ?? Pg15, dropRestrict);
        var output = new ArrayBufferWriter<byte>();
        var bytes = Encoding.UTF8.GetBytes(script);
        for (var i = 0; i < bytes.Length; i += chunk)
            filter.Process(bytes.AsSpan(i, Math.Min(chunk, bytes.Length - i)), output);
        filter.Complete(output);
        return (Encoding.UTF8.GetString(output.WrittenSpan), filter);
    }

    [Fact]
    public void AnUnknownParameterIsDroppedAndEverythingElsePassesByteForByte()
    {
        var (output, filter) = Run(Pg17Header + "CREATE TABLE t (id int);\n");

        Assert.Equal(Pg17Header.Replace("SET transaction_timeout = 0;\n", "") + "CREATE TABLE t (id int);\n", output);
        Assert.Equal(new Dictionary<string, int> { ["transaction_timeout"] = 1 }, filter.DroppedParameters);
        Assert.Equal(0, filter.DroppedRestrictLines);
        Assert.Contains("\\restrict AbCdEf123", output);
    }

    [Fact]
    public void AServerThatKnowsEveryParameterGetsTheScriptUnchanged()
    {
        var (output, filter) = Run(Pg17Header, known: [.. Pg15, "transaction_timeout"]);
        Assert.Equal(Pg17Header, output);
        Assert.Empty(filter.DroppedParameters);
    }

    [Theory]
    [InlineData("set Transaction_Timeout = 0;")]
    [InlineData("SET TRANSACTION_TIMEOUT TO 0;")]
    [InlineData("SET \"transaction_timeout\" = '0';")]
    [InlineData("SET LOCAL transaction_timeout TO '0';")]
    [InlineData("SET SESSION transaction_timeout=0 ;")]
    [InlineData("  SET transaction_timeout = 'a;b';  -- a quoted semicolon, and a comment")]
    [InlineData("SELECT pg_catalog.set_config('transaction_timeout', '0', false);")]
    [InlineData("select set_config('Transaction_Timeout', '0', false);")]
    public void SpellingsOfAnUnknownSetAreDropped(string line)
    {
        var (output, filter) = Run($"SET lock_timeout = 0;\n{line}\nSET row_security = off;\n");
        Assert.Equal("SET lock_timeout = 0;\nSET row_security = off;\n", output);
        Assert.Equal(["transaction_timeout"], filter.DroppedParameters.Keys);
    }

    [Theory]
    [InlineData("SET default_tablespace = '';")]
    [InlineData("SET search_path = 'a;b', public;")]
    [InlineData("SELECT pg_catalog.set_config('search_path', '', false);")]
    [InlineData("SET ROLE reporting;")]
    [InlineData("SET role = 'reporting';")]
    [InlineData("SET SESSION AUTHORIZATION 'alice';")]
    [InlineData("SET TIME ZONE 'UTC';")]
    [InlineData("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;")]
    [InlineData("SET app.tenant_id = '42';")]
    [InlineData("SET transaction_timeout = 0; SET lock_timeout = 0;")]
    [InlineData("SET transaction_timeout = 0")]
    [InlineData("SELECT pg_catalog.setval('public.t_id_seq', 5, true);")]
    public void KnownParametersSpecialFormsAndUnclearLinesAreKept(string line)
    {
        var script = $"{line}\nCREATE TABLE t (id int);\n";
        var (output, filter) = Run(script);
        Assert.Equal(script, output);
        Assert.Empty(filter.DroppedParameters);
    }

    [Fact]
    public void RestrictLinesAreDroppedOnlyWhenAsked()
    {
        var script = "\\restrict AbC\nSELECT 1;\n\\unrestrict AbC\n";

        var (kept, keptFilter) = Run(script, dropRestrict: false);
        Assert.Equal(script, kept);
        Assert.Equal(0, keptFilter.DroppedRestrictLines);

        var (dropped, droppedFilter) = Run(script, dropRestrict: true);
        Assert.Equal("SELECT 1;\n", dropped);
        Assert.Equal(2, droppedFilter.DroppedRestrictLines);
    }

    [Fact]
    public void OtherMetaCommandsStayAndDoNotConfuseTheStatementTracking()
    {
        var script = "\\connect -reuse-previous=on \"dbname='it''s'\"\nSET transaction_timeout = 0;\n";
        var (output, filter) = Run(script, dropRestrict: true);
        Assert.Equal("\\connect -reuse-previous=on \"dbname='it''s'\"\n", output);
        Assert.Single(filter.DroppedParameters);
    }

    [Fact]
    public void CopyDataIsNeverFiltered()
    {
        var script = """
            COPY public.notes (id, body) FROM stdin;
            1	SET transaction_timeout = 0;
            SET transaction_timeout = 0;
            \restrict x
            \.
            SET transaction_timeout = 0;
            copy "public"."Odd; name" (v) FROM STDIN ;
            SET transaction_timeout = 0;
            \.

            """;
        var (output, filter) = Run(script, dropRestrict: true);
        var expected = script.Replace("\\.\nSET transaction_timeout = 0;\ncopy", "\\.\ncopy");
        Assert.Equal(expected, output);
        Assert.Equal(1, filter.DroppedParameters["transaction_timeout"]);
        Assert.Equal(0, filter.DroppedRestrictLines);
    }

    [Fact]
    public void CopyDataEndsOnlyAtABackslashDotLine()
    {
        // "\.x" and "\\." are data, not the end marker; a CRLF end marker is one.
        var script = "COPY t (v) FROM stdin;\n\\.x\n\\\\.\nSET transaction_timeout = 0;\n\\.\r\nSET transaction_timeout = 0;\r\n";
        var (output, filter) = Run(script);
        Assert.Equal("COPY t (v) FROM stdin;\n\\.x\n\\\\.\nSET transaction_timeout = 0;\n\\.\r\n", output);
        Assert.Equal(1, filter.DroppedParameters["transaction_timeout"]);
    }

    [Theory]
    [InlineData("CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$\nSET transaction_timeout = 0;\n$$;\n")]
    [InlineData("CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $body$\nBEGIN PERFORM '$$';\nSET transaction_timeout = 0;\nEND $body$;\n")]
    [InlineData("INSERT INTO t VALUES ('first;\nSET transaction_timeout = 0;\n');\n")]
    [InlineData("INSERT INTO t VALUES (E'it\\'s;\nSET transaction_timeout = 0;\n');\n")]
    [InlineData("COMMENT ON TABLE t IS 'a ''quoted'' ;\nSET transaction_timeout = 0;\n';\n")]
    [InlineData("CREATE TABLE \"a;\nSET transaction_timeout = 0;\n\" (id int);\n")]
    [InlineData("/* a comment /* nested */\nSET transaction_timeout = 0;\n*/ SELECT 1;\n")]
    [InlineData("CREATE VIEW v AS\nSELECT 1\n;\n")]
    public void LinesInsideBodiesLiteralsAndCommentsAreKept(string script)
    {
        var (output, filter) = Run(script + "SET transaction_timeout = 0;\n");
        Assert.Equal(script, output);
        // Only the statement after the script counts: the one inside was not at a statement start.
        Assert.Equal(1, filter.DroppedParameters["transaction_timeout"]);
    }

    [Fact]
    public void ALineCommentDoesNotHideTheNextStatement()
    {
        var (output, filter) = Run("SELECT 1; -- it's a comment with a quote\nSET transaction_timeout = 0;\nSELECT $1;\nSET transaction_timeout = 0;\n");
        Assert.Equal("SELECT 1; -- it's a comment with a quote\nSELECT $1;\n", output);
        Assert.Equal(2, filter.DroppedParameters["transaction_timeout"]);
    }

    [Fact]
    public void TheResultDoesNotDependOnHowTheInputIsCut()
    {
        var script = Pg17Header + """
            CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $q$ SELECT 'SET transaction_timeout = 0;' $q$;
            COPY public.t (v) FROM stdin;
            SET transaction_timeout = 0;
            \.
            SET transaction_timeout = 0;
            \unrestrict AbCdEf123

            """;
        var (whole, wholeFilter) = Run(script, dropRestrict: true);
        Assert.Equal(2, wholeFilter.DroppedParameters["transaction_timeout"]);
        Assert.Equal(2, wholeFilter.DroppedRestrictLines);
        foreach (var chunk in new[] { 1, 2, 3, 5, 7, 64 })
        {
            var (cut, cutFilter) = Run(script, dropRestrict: true, chunk: chunk);
            Assert.Equal(whole, cut);
            Assert.Equal(wholeFilter.DroppedParameters, cutFilter.DroppedParameters);
        }
    }

    [Fact]
    public void CrlfLinesAndALastLineWithoutNewlineAreHandled()
    {
        var (output, filter) = Run("SET lock_timeout = 0;\r\nSET transaction_timeout = 0;\r\nSET transaction_timeout = 0;");
        Assert.Equal("SET lock_timeout = 0;\r\n", output);
        Assert.Equal(2, filter.DroppedParameters["transaction_timeout"]);
    }

    [Fact]
    public void LongLinesPassThroughWhole()
    {
        var longData = new string('x', 3 * SqlScriptFilter.MaxHeldLineBytes);
        var longSet = "SET transaction_timeout = '" + new string('9', 2 * SqlScriptFilter.MaxHeldLineBytes) + "';";
        var script = $"COPY t (v) FROM stdin;\n{longData}\n\\.\n{longSet}\nSELECT '{longData}';\nSET transaction_timeout = 0;\n";
        var (output, filter) = Run(script, chunk: 1000);
        Assert.Equal($"COPY t (v) FROM stdin;\n{longData}\n\\.\n{longSet}\nSELECT '{longData}';\n", output);
        Assert.Equal(1, filter.DroppedParameters["transaction_timeout"]);
    }

    [Fact]
    public async Task CopyAsyncStreamsWithoutClosingEitherStream()
    {
        var input = new MemoryStream(Encoding.UTF8.GetBytes(Pg17Header));
        var output = new MemoryStream();
        var filter = new SqlScriptFilter(Pg15, dropRestrictLines: true);
        await filter.CopyAsync(input, output);
        var text = Encoding.UTF8.GetString(output.ToArray());
        Assert.DoesNotContain("transaction_timeout", text);
        Assert.DoesNotContain("\\restrict", text);
        Assert.Contains("SET row_security = off;\n", text);
        Assert.True(output.CanWrite);
    }
}
