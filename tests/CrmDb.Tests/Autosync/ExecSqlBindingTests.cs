using CrmDb.Clr;
using CrmDb.Clr.Autosync;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Autosync;

/// <summary>dbo.MC_execsql's parameter list: declarations in, a wrapper batch out.</summary>
public sealed class ExecSqlBindingTests
{
    [Fact]
    public void No_parameters_run_the_statement_as_it_is()
    {
        var plan = ExecSqlBinding.Plan(null);

        Assert.Null(plan.Error);
        Assert.Empty(plan.Parameters);
        Assert.Equal("EXEC sys.sp_executesql @Statement;\nSET @RowCount = @@ROWCOUNT;", plan.Wrapper);
    }

    [Fact]
    public void Each_value_is_converted_to_its_declared_type_and_passed_by_name()
    {
        var plan = ExecSqlBinding.Plan(" @since int, @ct AS nvarchar(17), @amount decimal(24, 6) ");

        Assert.Null(plan.Error);
        Assert.Equal(["@since int", "@ct nvarchar(17)", "@amount decimal(24, 6)"], plan.Parameters.Select(p => p.Name + " " + p.Type));
        Assert.Equal([1, 2, 3], plan.Parameters.Select(p => p.Position));
        Assert.Equal(
            "DECLARE @P1 int = CONVERT(int, @Value1);\n"
            + "DECLARE @P2 nvarchar(17) = CONVERT(nvarchar(17), @Value2);\n"
            + "DECLARE @P3 decimal(24, 6) = CONVERT(decimal(24, 6), @Value3);\n"
            + "EXEC sys.sp_executesql @Statement, N'@since int, @ct AS nvarchar(17), @amount decimal(24, 6)', @since = @P1, @ct = @P2, @amount = @P3;\n"
            + "SET @RowCount = @@ROWCOUNT;",
            plan.Wrapper);
        SqlParsing.Parse("DECLARE " + ExecSqlBinding.WrapperParameters.Replace(" OUTPUT", string.Empty, StringComparison.Ordinal) + ";\n" + plan.Wrapper);
    }

    [Theory]
    [InlineData("since int", "n'est pas un nom de paramètre")]
    [InlineData("@since", "n'a pas de type")]
    [InlineData("@since int,", "se termine par une virgule")]
    [InlineData("@since int OUTPUT", "@since OUTPUT n'est pas pris en charge")]
    [InlineData("@t dbo.Liste READONLY", "READONLY n'est pas pris en charge")]
    [InlineData("@since int = 5", "@since = n'est pas pris en charge")]
    [InlineData("@a int, @A bigint", "@A est déclaré deux fois")]
    [InlineData("@stmt nvarchar(max)", "réservé par sp_executesql")]
    [InlineData("@a int; DROP TABLE x", "type de @a illisible près de « ; »")]
    [InlineData("@a int @b int", "illisible près de « @b »")]
    [InlineData("@a nvarchar('x')", "illisible")]
    public void A_list_it_cannot_run_is_refused_with_a_French_reason(string parameters, string because)
    {
        var plan = ExecSqlBinding.Plan(parameters);

        Assert.Null(plan.Wrapper);
        Assert.Contains(because, plan.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void More_than_ten_parameters_are_refused()
    {
        string parameters = string.Join(", ", Enumerable.Range(1, 11).Select(i => $"@p{i} int"));

        var plan = ExecSqlBinding.Plan(parameters);

        Assert.Contains("plus de 10 paramètres", plan.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_SQL_table_function_gives_the_wrapper_then_one_row_per_parameter()
    {
        var rows = AutosyncEntryPoints.ExecSqlPlan("@since int, @ct nvarchar(17)").Cast<object>().Select(row =>
        {
            AutosyncEntryPoints.FillExecSqlRow(row, out var position, out var name, out var type, out var wrapper, out var error);
            return (position.Value, name.IsNull ? null : name.Value, type.IsNull ? null : type.Value, wrapper.IsNull, error.IsNull);
        }).ToList();

        Assert.Equal(
            [(0, null, null, false, true), (1, "@since", "int", true, true), (2, "@ct", "nvarchar(17)", true, true)],
            rows);
    }
}
