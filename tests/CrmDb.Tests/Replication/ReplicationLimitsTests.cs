using CrmDb.Clr.Replication;
using CrmDb.Tests.Infrastructure;
using static CrmDb.Tests.Replication.ReplicationSamples;

namespace CrmDb.Tests.Replication;

/// <summary>
/// SQL Server's limits the replication can reach ("Maximum capacity specifications for SQL
/// Server", https://learn.microsoft.com/sql/sql-server/maximum-capacity-specifications-for-sql-server),
/// each tested at its boundary: N accepted, N + 1 refused.
/// </summary>
public sealed class ReplicationLimitsTests
{
    private static List<ReplicationField> Fields(int count, string type, string expression = "[CT_NumPayeur]") =>
        Enumerable.Range(1, count).Select(i => new ReplicationField($"REPLI_acc_f{i}_repli", $"acc_f{i}_repli", type, expression)).ToList();

    [Fact]
    public void The_figures_are_the_documented_ones()
    {
        Assert.Equal(1024, ReplicationLimits.MaxColumnsPerTable);
        Assert.Equal(1022, ReplicationLimits.MaxFields);
        Assert.Equal(8060, ReplicationLimits.MaxBytesPerRow);
        Assert.Equal(24, ReplicationLimits.OffRowPointerBytes);
        Assert.Equal(65536L * 4096, ReplicationLimits.MaxBatchBytes);
        Assert.Equal(134_217_728, ReplicationLimits.MaxStatementCharacters);
    }

    [Fact]
    public void The_local_table_holds_1022_fields_and_the_1023rd_is_refused_for_the_1024_columns()
    {
        // bit columns: the row stays far below 8,060 bytes, so only the column count decides.
        var accepted = ReplicationLimits.Check(Local, Fields(1022, "bit"));
        var refused = ReplicationLimits.Check(Local, Fields(1023, "bit"));

        Assert.All(accepted, Assert.Null);
        Assert.All(refused.Take(1022), Assert.Null);
        var problem = Assert.IsType<ReplicationLimitProblem>(refused[1022]);
        Assert.Equal("columns", problem.Limit);
        Assert.Equal("1 025", problem.Figure);
        Assert.StartsWith("la table de lecture #MC_replicate_source aurait 1 025 colonnes, plus que les 1 024 colonnes par table de SQL Server", problem.Message, StringComparison.Ordinal);
        Assert.Contains("1 022 champs au plus", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fixed_length_columns_fill_the_8060_byte_row_to_the_byte()
    {
        // CT_Num nvarchar(100) and cbReplication int first: 4 + (2 + 2 + 24) variable data + 4 fixed
        // + null bitmap; then one nchar(n) field, 2n bytes in the row.
        int withOneField = ReplicationLimits.SourceRowBytes([ReplicationColumnType.Parse("nchar(1)")!]);
        int free = ReplicationLimits.MaxBytesPerRow - withOneField;
        // nchar holds at most 4,000 characters: two fields make the boundary reachable.
        var first = ReplicationColumnType.Parse("nchar(4000)")!;
        int afterFirst = ReplicationLimits.SourceRowBytes([first]);
        int left = ReplicationLimits.MaxBytesPerRow - afterFirst; // the second field's bytes that still fit
        Assert.True(left > 0 && free > 8000);

        var fits = new List<ReplicationField>
        {
            new("REPLI_acc_a_repli", "acc_a_repli", "nchar(4000)", "[CT_NumPayeur]"),
            new("REPLI_acc_b_repli", "acc_b_repli", $"char({left})", "[CT_NumPayeur]"),
        };
        var passes = new List<ReplicationField> { fits[0], new("REPLI_acc_b_repli", "acc_b_repli", $"char({left + 1})", "[CT_NumPayeur]") };

        Assert.Equal(8060, ReplicationLimits.SourceRowBytes([first, ReplicationColumnType.Parse($"char({left})")!]));
        Assert.All(ReplicationLimits.Check(Local, fits), Assert.Null);
        var refused = ReplicationLimits.Check(Local, passes);
        Assert.Null(refused[0]);
        var problem = Assert.IsType<ReplicationLimitProblem>(refused[1]);
        Assert.Equal("row", problem.Limit);
        Assert.Equal("8 061", problem.Figure);
        Assert.Contains("atteindrait 8 061 octets avec la colonne acc_b_repli (char(" + (left + 1) + "))", problem.Message, StringComparison.Ordinal);
        Assert.Contains("plus que les 8 060 octets par ligne de SQL Server", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Variable_length_columns_count_their_off_row_pointer_so_about_300_long_text_fields_fit()
    {
        // nvarchar(69): 138 bytes, pushed off-row it keeps 24 bytes and a 2-byte offset in the row.
        int fitting = 0;
        while (ReplicationLimits.SourceRowBytes(Enumerable.Repeat(ReplicationColumnType.Parse("nvarchar(69)")!, fitting + 1)) <= 8060)
        {
            fitting++;
        }

        var problems = ReplicationLimits.Check(Local, Fields(fitting + 1, "nvarchar(69)"));

        Assert.InRange(fitting, 290, 310);
        Assert.All(problems.Take(fitting), Assert.Null);
        Assert.Equal("row", Assert.IsType<ReplicationLimitProblem>(problems[fitting]).Limit);
        // A short text stays in the row at its own size: nvarchar(5) takes 10 bytes, not 24.
        Assert.Equal(10, ReplicationLimits.InRowBytes(ReplicationColumnType.Parse("nvarchar(5)")!, out bool variable));
        Assert.True(variable);
        Assert.Equal(24, ReplicationLimits.InRowBytes(ReplicationColumnType.Parse("nvarchar(max)")!, out _));
        Assert.Equal(17, ReplicationLimits.InRowBytes(ReplicationColumnType.Parse("numeric(38,6)")!, out bool isVariable));
        Assert.False(isVariable);
    }

    [Fact]
    public void The_documented_refusal_is_the_one_the_check_writes()
    {
        // docs/replication.md, "Messages", and the tSQLt test of the row limit.
        var fields = new List<ReplicationField>
        {
            new("REPLI_acc_large1_repli", "acc_large1_repli", "nchar(3900)", "[CT_Intitule]"),
            new("REPLI_acc_large2_repli", "acc_large2_repli", "nchar(4000)", "[CT_Intitule]"),
            new("REPLI_acc_numpayeur_repli", "acc_numpayeur_repli", "nvarchar(17)", "[CT_NumPayeur]"),
        };

        var problems = ReplicationLimits.Check(Local, fields);

        Assert.Null(problems[0]);
        Assert.Null(problems[2]);
        string documented = File.ReadAllText(Repository.PathOf("docs", "replication.md"));
        Assert.Contains("Paramètre REPLI_acc_large2_repli ignoré : " + problems[1]!.Message + "\n", documented, StringComparison.Ordinal);
    }

    [Fact]
    public void A_field_refused_for_the_row_does_not_stop_a_smaller_one_after_it()
    {
        var fields = new List<ReplicationField>
        {
            new("REPLI_acc_a_repli", "acc_a_repli", "nchar(4000)", "[CT_NumPayeur]"),
            new("REPLI_acc_b_repli", "acc_b_repli", "nchar(4000)", "[CT_NumPayeur]"),
            new("REPLI_acc_c_repli", "acc_c_repli", "int", "[cbMarq]"),
        };

        var problems = ReplicationLimits.Check(Local, fields);

        Assert.Null(problems[0]);
        Assert.Equal("row", problems[1]!.Limit);
        Assert.Null(problems[2]);
    }

    [Fact]
    public void A_statement_of_exactly_the_limit_is_accepted_and_one_character_more_refuses_the_field()
    {
        var two = Fields(2, "nvarchar(17)");
        int length = Math.Max(ReplicationStatementBuilder.BuildRead(Local, two).Length, ReplicationStatementBuilder.BuildWrite(two).Length);

        Assert.All(ReplicationLimits.Check(Local, two, length), Assert.Null);
        var refused = ReplicationLimits.Check(Local, two, length - 1);
        Assert.Null(refused[0]);
        var problem = Assert.IsType<ReplicationLimitProblem>(refused[1]);
        Assert.Equal("statement", problem.Limit);
        Assert.Contains("plus que les", problem.Message, StringComparison.Ordinal);
        Assert.Contains("65 536 fois la taille de paquet réseau par défaut de 4 096 octets", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_statement_limit_keeps_the_longest_prefix_of_fields_that_fits()
    {
        var fields = Fields(10, "nvarchar(17)");
        var six = fields.Take(6).ToList();
        int limit = Math.Max(ReplicationStatementBuilder.BuildRead(Local, six).Length, ReplicationStatementBuilder.BuildWrite(six).Length);

        var problems = ReplicationLimits.Check(Local, fields, limit);

        Assert.All(problems.Take(6), Assert.Null);
        Assert.All(problems.Skip(6), p => Assert.Equal("statement", p!.Limit));
        // With the real limit, 1,000 such fields are far within it (about 100,000 characters).
        Assert.All(ReplicationLimits.Check(Local, Fields(250, "nvarchar(10)")), Assert.Null);
    }

    [Fact]
    public void A_column_name_of_128_characters_is_accepted_and_129_refused()
    {
        string Middle(int columnLength) => new('x', columnLength - "acc__repli".Length);

        Assert.Equal(128, ReplicationParameter.ColumnOf("REPLI_acc_" + Middle(128) + "_repli")!.Length);
        Assert.Null(ReplicationParameter.ColumnOf("REPLI_acc_" + Middle(129) + "_repli"));
    }
}
