using BackupFunctions.Pipeline.Merge;

namespace BackupFunctions.Pipeline.Tests;

/// <summary>Reading pg_restore --list output and writing a list file back from it.</summary>
public sealed class ArchiveTocTests
{
    private const string Listing = """
        ;
        ; Archive created at 2026-11-27 12:00:00 UTC
        ;     dbname: src
        ;
        ; Selected TOC Entries:
        ;
        5; 2615 16385 SCHEMA - app postgres
        217; 1259 16394 TABLE app addresses postgres
        216; 1259 16393 SEQUENCE app addresses_id_seq postgres
        3370; 0 16394 TABLE DATA app addresses postgres
        3369; 0 16387 TABLE DATA app customers postgres
        3376; 0 0 SEQUENCE SET app addresses_id_seq postgres
        3215; 2606 16399 CONSTRAINT app addresses addresses_pkey postgres
        3221; 2606 16405 FK CONSTRAINT app addresses addresses_customer_id_fkey postgres
        3372; 0 16387 ROW SECURITY app customers postgres
        """;

    [Fact]
    public void Entries_are_read_with_their_dump_id_description_and_the_line_as_written()
    {
        var toc = ArchiveToc.Parse(Listing);

        Assert.Equal(9, toc.Count);
        Assert.Equal([3370, 3369], toc.Where(e => e.IsTableData).Select(e => e.DumpId));
        Assert.Equal("SEQUENCE SET", toc.Single(e => e.DumpId == 3376).Description);
        Assert.Equal("FK CONSTRAINT", toc.Single(e => e.DumpId == 3221).Description);
        Assert.Equal("ROW SECURITY", toc.Single(e => e.DumpId == 3372).Description);
        Assert.Equal("SCHEMA", toc[0].Description);
        Assert.True(toc.Single(e => e.DumpId == 3369).IsDataOf("app", "customers"));
        Assert.False(toc.Single(e => e.DumpId == 3369).IsDataOf("app", "custom"));
        Assert.False(toc.Single(e => e.DumpId == 3372).IsDataOf("app", "customers"));
    }

    [Fact]
    public void A_list_file_holds_the_chosen_lines_in_the_chosen_order()
    {
        var toc = ArchiveToc.Parse(Listing);
        var data = toc.Where(e => e.IsTableData).Reverse();

        Assert.Equal("3369; 0 16387 TABLE DATA app customers postgres\n3370; 0 16394 TABLE DATA app addresses postgres\n", ArchiveToc.WriteList(data));
    }

    [Fact]
    public void A_line_that_is_not_a_toc_entry_is_an_error_not_a_silent_skip() =>
        Assert.Throws<FormatException>(() => ArchiveToc.Parse("garbage here\n"));
}
