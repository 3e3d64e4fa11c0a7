using CrmDb.Clr.Autosync;
using CrmDb.Tests.Infrastructure;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CrmDb.Tests.Autosync;

/// <summary>
/// Parameter defaults read from a procedure's text (sys.parameters has them for CLR procedures
/// only), checked against ScriptDom's reading of the same text.
/// </summary>
public sealed class ProcedureHeaderTests
{
    public static TheoryData<string> Definitions() =>
    [
        "CREATE PROCEDURE dbo.AUTOSYNC_0100_a @ErpIntegrationID int, @x int = 5 AS SELECT 1;",
        "CREATE PROC [dbo].[AUTOSYNC_0100_a] (@a int = NULL, @b nvarchar(10), @c decimal(10, 2) = 1.5) AS RETURN 0;",
        "create or alter procedure dbo.AUTOSYNC_0100_a\n  @a AS int,\n  @b AS nvarchar(20) = N'x, y = z' -- a comment, @c int\n  , /* @d int = 1, */ @e varchar(max) OUTPUT\nWITH EXECUTE AS OWNER\nAS\nBEGIN SELECT @a = 1; END;",
        "/* header\n CREATE PROCEDURE nope @z int = 1 AS */\nCREATE PROCEDURE dbo.AUTOSYNC_0100_a @a int = -1, @b datetime2(3) = '2024-01-01', @c int OUT FOR REPLICATION AS SELECT 1;",
        "CREATE PROCEDURE AUTOSYNC_0100_a AS SELECT 1;",
        "CREATE PROCEDURE dbo.AUTOSYNC_0100_a;1 @a int = 1, @b int AS SELECT 1;",
        "ALTER PROCEDURE dbo.AUTOSYNC_0100_a @tokenAccount nvarchar(20) = '''quoted''', @ErpSyncStatus nvarchar(10) AS SELECT 1;",
        "CREATE PROCEDURE \"dbo\".\"AUTOSYNC_0100_a\" @a int = 1 WITH RECOMPILE AS SELECT 1;",
    ];

    [Theory]
    [MemberData(nameof(Definitions))]
    public void Defaults_are_read_as_ScriptDom_reads_them(string definition)
    {
        var expected = ScriptDomDefaults(definition);

        var actual = ProcedureHeader.ParameterDefaults(definition);

        Assert.NotNull(actual);
        Assert.Equal(expected.OrderBy(p => p.Key), actual!.OrderBy(p => p.Key));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("SELECT 1;")]
    [InlineData("CREATE FUNCTION dbo.f() RETURNS int AS BEGIN RETURN 1; END;")]
    public void A_text_that_is_not_a_procedure_gives_nothing(string? definition)
    {
        Assert.Null(ProcedureHeader.ParameterDefaults(definition));
    }

    private static Dictionary<string, bool> ScriptDomDefaults(string definition)
    {
        var fragment = SqlParsing.Parse(definition);
        var visitor = new ProcedureVisitor();
        fragment.Accept(visitor);
        Assert.NotNull(visitor.Parameters);
        return visitor.Parameters!.ToDictionary(p => p.VariableName.Value, p => p.Value is not null, StringComparer.OrdinalIgnoreCase);
    }

    private sealed class ProcedureVisitor : TSqlFragmentVisitor
    {
        public IList<ProcedureParameter>? Parameters { get; private set; }

        public override void Visit(ProcedureStatementBodyBase node) => Parameters ??= node.Parameters;
    }
}
