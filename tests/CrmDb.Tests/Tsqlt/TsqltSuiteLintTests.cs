using CrmDb.Tests.Infrastructure;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CrmDb.Tests.Tsqlt;

/// <summary>
/// What makes the tSQLt classes (tests/tsqlt) pass on a server of any collation and any
/// version from 2017, checked on their text since no server runs here.
/// </summary>
public sealed class TsqltSuiteLintTests
{
    public static TheoryData<string> Classes => new(Directory.GetFiles(Repository.PathOf("tests", "tsqlt"), "*.class.sql").Select(Path.GetFileName)!);

    /// <summary>
    /// A #temp table lives in tempdb and its character columns take tempdb's collation unless
    /// they say COLLATE DATABASE_DEFAULT ("Set or change the column collation",
    /// learn.microsoft.com/sql/relational-databases/collations/set-or-change-the-column-collation);
    /// on a server whose collation is not the CRM database's, comparing them with the database's
    /// columns fails (Msg 468) and tSQLt.AssertEqualsTable fails (Msg 451/457). A table built by
    /// SELECT ... INTO takes its columns' collations from the query, and a table variable's
    /// columns the current database's ("table (Transact-SQL)",
    /// learn.microsoft.com/sql/t-sql/data-types/table-transact-sql), so only CREATE TABLE # counts.
    /// </summary>
    [Theory]
    [MemberData(nameof(Classes))]
    public void Every_character_column_of_a_temporary_table_is_collate_database_default(string file)
    {
        var problems = TemporaryTableColumnsWithoutDatabaseCollation(File.ReadAllText(Repository.PathOf("tests", "tsqlt", file)));

        Assert.True(problems.Count == 0, file + ":\n" + string.Join("\n", problems));
    }

    [Fact]
    public void The_procedures_temporary_tables_follow_the_same_rule()
    {
        var problems = Directory.GetFiles(Repository.PathOf("database", "dbo"), "*.sql", SearchOption.AllDirectories)
            .SelectMany(path => TemporaryTableColumnsWithoutDatabaseCollation(File.ReadAllText(path)).Select(p => Path.GetFileName(path) + " " + p))
            .ToList();

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_lint_finds_a_character_column_of_a_temporary_table_without_collate_database_default()
    {
        var problems = TemporaryTableColumnsWithoutDatabaseCollation("""
            CREATE TABLE #Expected (Hook sysname, Name nvarchar(20) COLLATE DATABASE_DEFAULT, Code varchar(5) COLLATE French_CI_AS, Id int);
            DECLARE @t TABLE (Label nchar(3));
            CREATE TABLE dbo.Permanent (Label nvarchar(10));
            """);

        Assert.Equal(["line 1: #Expected.Hook", "line 1: #Expected.Code"], problems);
    }

    /// <summary>
    /// ERROR_PROCEDURE() returns schema.name from SQL Server 2017 and the bare name before
    /// (learn.microsoft.com/sql/t-sql/functions/error-procedure-transact-sql): a test compares
    /// it, or a column that stores it (ErrorProcedure), only through PARSENAME(..., n).
    /// </summary>
    [Theory]
    [MemberData(nameof(Classes))]
    public void Error_procedure_is_compared_only_through_parsename(string file)
    {
        var problems = ErrorProcedureOutsideParsename(File.ReadAllText(Repository.PathOf("tests", "tsqlt", file)));

        Assert.True(problems.Count == 0, file + ":\n" + string.Join("\n", problems));
    }

    [Fact]
    public void The_error_procedure_lint_finds_a_bare_reference()
    {
        var problems = ErrorProcedureOutsideParsename("""
            SELECT ErrorProcedure, PARSENAME(s.ErrorProcedure, 1) AS Name INTO #Actual FROM dbo.MC_AutosyncStep AS s;
            SELECT PARSENAME(ERROR_PROCEDURE(), 1), ERROR_PROCEDURE();
            """);

        Assert.Equal(["line 1: ErrorProcedure", "line 2: ERROR_PROCEDURE()"], problems);
    }

    private static List<string> TemporaryTableColumnsWithoutDatabaseCollation(string sql)
    {
        TSqlFragment script = SqlParsing.Parse(SqlParsing.WithoutSqlCmdDirectives(sql));
        var problems = new List<(int Offset, string Text)>();
        foreach (CreateTableStatement create in SqlParsing.All<CreateTableStatement>(script))
        {
            string table = create.SchemaObjectName.BaseIdentifier.Value;
            if (table.StartsWith('#'))
            {
                problems.AddRange(Uncollated(table, create.Definition));
            }
        }

        return problems.OrderBy(p => p.Offset).Select(p => p.Text).ToList();
    }

    private static IEnumerable<(int Offset, string Text)> Uncollated(string table, TableDefinition definition)
    {
        foreach (ColumnDefinition column in definition.ColumnDefinitions)
        {
            if (IsCharacter(column.DataType) && !string.Equals(column.Collation?.Value, "DATABASE_DEFAULT", StringComparison.OrdinalIgnoreCase))
            {
                yield return (column.StartOffset, $"line {column.StartLine}: {table}.{column.ColumnIdentifier.Value}");
            }
        }
    }

    private static bool IsCharacter(DataTypeReference? type) => type switch
    {
        SqlDataTypeReference sql => sql.SqlDataTypeOption is SqlDataTypeOption.Char or SqlDataTypeOption.VarChar
            or SqlDataTypeOption.NChar or SqlDataTypeOption.NVarChar or SqlDataTypeOption.Text or SqlDataTypeOption.NText,
        UserDataTypeReference user => string.Equals(user.Name.BaseIdentifier.Value, "sysname", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    private static List<string> ErrorProcedureOutsideParsename(string sql)
    {
        TSqlFragment script = SqlParsing.Parse(SqlParsing.WithoutSqlCmdDirectives(sql));
        var inside = new HashSet<TSqlFragment>();
        foreach (FunctionCall call in SqlParsing.All<FunctionCall>(script))
        {
            if (string.Equals(call.FunctionName.Value, "PARSENAME", StringComparison.OrdinalIgnoreCase) && call.Parameters.Count > 0)
            {
                inside.Add(call.Parameters[0]);
            }
        }

        var problems = new List<(int Offset, string Text)>();
        foreach (ColumnReferenceExpression column in SqlParsing.All<ColumnReferenceExpression>(script))
        {
            Identifier? last = column.MultiPartIdentifier?.Identifiers.LastOrDefault();
            if (last is not null && string.Equals(last.Value, "ErrorProcedure", StringComparison.OrdinalIgnoreCase) && !inside.Contains(column))
            {
                problems.Add((column.StartOffset, $"line {column.StartLine}: ErrorProcedure"));
            }
        }

        foreach (FunctionCall call in SqlParsing.All<FunctionCall>(script))
        {
            if (string.Equals(call.FunctionName.Value, "ERROR_PROCEDURE", StringComparison.OrdinalIgnoreCase) && !inside.Contains(call))
            {
                problems.Add((call.StartOffset, $"line {call.StartLine}: ERROR_PROCEDURE()"));
            }
        }

        return problems.OrderBy(p => p.Offset).Select(p => p.Text).ToList();
    }
}
