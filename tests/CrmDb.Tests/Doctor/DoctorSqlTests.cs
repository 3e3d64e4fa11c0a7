using System.Text.RegularExpressions;
using CrmDb.Runner.Doctor;
using CrmDb.Tests.Infrastructure;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CrmDb.Tests.Doctor;

/// <summary>
/// The fact batch: crmdb doctor runs MC_doctor's own text; it and every fact query it runs through
/// sp_executesql parse; the Sage and GesCom columns it checks for exist in the reference model
/// and the GesCom fixture (the DACPAC build validates the rest of MC_doctor against the model).
/// </summary>
public sealed partial class DoctorSqlTests
{
    private static string ProcedureFile => Repository.PathOf("database", "dbo", "StoredProcedures", "MC_doctor.sql");

    [Fact]
    public void Crmdb_runs_the_fact_batch_of_the_procedure_file_word_for_word()
    {
        Assert.Equal(File.ReadAllText(ProcedureFile).ReplaceLineEndings("\n"), DoctorFactBatch.ProcedureText().ReplaceLineEndings("\n"));
        Assert.Contains("DECLARE @Facts TABLE", DoctorFactBatch.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_batch_crmdb_runs_parses_with_its_two_parameters_declared()
    {
        SqlParsing.Parse("DECLARE @ErpIntegrationID int, @CrmLogin sysname;\n" + DoctorFactBatch.Text());
    }

    [Fact]
    public void Every_fact_query_run_through_sp_executesql_parses()
    {
        // Whole literals, and concatenations rendered with sample names in place of the
        // variables (@G: the GesCom qualifier, QUOTENAME(@CrmDatabase): the CRM's).
        var fragment = SqlParsing.Parse(File.ReadAllText(ProcedureFile));
        var concatenations = SqlParsing.All<BinaryExpression>(fragment).Where(b => b.BinaryExpressionType == BinaryExpressionType.Add).ToList();
        var nested = concatenations.SelectMany(b => new[] { b.FirstExpression, b.SecondExpression }).ToHashSet();
        var queries = SqlParsing.All<StringLiteral>(fragment).Where(l => !nested.Contains(l)).Select(l => l.Value)
            .Concat(concatenations.Where(b => !nested.Contains(b)).Select(Render))
            .Where(v => v.StartsWith("SET @v = ", StringComparison.Ordinal) || (v.StartsWith("SELECT ", StringComparison.Ordinal) && !v.StartsWith("SELECT ON ", StringComparison.Ordinal)))
            .Distinct()
            .ToList();

        Assert.True(queries.Count >= 20, $"{queries.Count} fact queries");
        Assert.Contains(queries, q => q.Contains("FROM [GESCOM].dbo.F_DOCLIGNE AS l", StringComparison.Ordinal));
        Assert.All(queries, q => Assert.True(SqlParsing.Errors(q).Count == 0, q + "\n" + string.Join("\n", SqlParsing.Errors(q))));
    }

    private static string Render(ScalarExpression expression) => expression switch
    {
        StringLiteral literal => literal.Value,
        BinaryExpression { BinaryExpressionType: BinaryExpressionType.Add } b => Render(b.FirstExpression) + Render(b.SecondExpression),
        ParenthesisExpression p => Render(p.Expression),
        VariableReference { Name: "@G" } => "[GESCOM]",
        VariableReference { Name: "@ListQuery" } => "SELECT 1 AS x",
        FunctionCall { FunctionName.Value: "QUOTENAME" } => "[CRM]",
        _ => "[X]",
    };

    [Fact]
    public void The_GesCom_columns_the_anomalies_need_are_in_the_GesCom_fixture()
    {
        var model = Columns(Directory.GetFiles(Repository.PathOf("tests", "fixtures", "GesCom", "Tables"), "*.sql"));
        var required = RequiredColumn().Matches(File.ReadAllText(ProcedureFile))
            .Select(m => (Table: m.Groups["table"].Value, Column: m.Groups["column"].Value))
            .Distinct()
            .ToList();

        Assert.True(required.Count >= 14, $"{required.Count} required columns");
        Assert.All(required, r => Assert.Contains(r, model));
    }

    [Fact]
    public void The_CRM_columns_checked_with_COL_LENGTH_are_in_the_Sage_CRM_reference_model()
    {
        var model = Columns(Directory.GetFiles(Repository.PathOf("database", "reference", "SageCrm", "Tables"), "*.sql"));
        var checkedColumns = ColumnLength().Matches(File.ReadAllText(ProcedureFile))
            .Select(m => (Table: m.Groups["table"].Value, Column: m.Groups["column"].Value))
            .Distinct()
            .ToList();

        Assert.Contains(("Users", "User_Disabled"), checkedColumns);
        Assert.Contains(("Communication", "Comm_ToDateTime"), checkedColumns);
        Assert.All(checkedColumns, c => Assert.Contains(c, model));
    }

    [Fact]
    public void The_objects_the_doctor_expects_are_objects_of_CrmDb()
    {
        string text = File.ReadAllText(ProcedureFile);
        var expected = ExpectedObject().Matches(text).Select(m => m.Groups["name"].Value).Distinct().ToList();
        var files = Directory.GetFiles(Repository.PathOf("database", "dbo"), "*.sql", SearchOption.AllDirectories).Select(Path.GetFileNameWithoutExtension).ToList();
        string clr = string.Join("\n", Directory.GetFiles(Repository.PathOf("clr", "CrmDb.Clr"), "*.cs", SearchOption.AllDirectories).Select(File.ReadAllText));

        Assert.True(expected.Count >= 15, $"{expected.Count} objects");
        Assert.All(expected, name => Assert.True(files.Contains(name) || clr.Contains($"Name = \"{name}\"", StringComparison.Ordinal), name));
    }

    [Fact]
    public void MC_doctor_and_the_tSQLt_class_read_the_columns_dbo_MC_doctorfindings_returns()
    {
        var expected = CrmDb.Clr.Doctor.DoctorEntryPoints.FindingTable.Split(',').Select(c => c.Trim().Split(' ')[0]).ToList();
        string procedure = File.ReadAllText(ProcedureFile);
        string tests = File.ReadAllText(Repository.PathOf("tests", "tsqlt", "DoctorTests.class.sql"));

        Assert.Contains("SELECT " + string.Join(", ", expected) + "\n    FROM @Findings", procedure, StringComparison.Ordinal);
        Assert.Equal(expected, TableColumns(tests, "CREATE TABLE DoctorTests.Findings ("));
        Assert.Equal(expected, TableColumns(procedure, "DECLARE @Findings TABLE (").Skip(1));
    }

    private static List<string> TableColumns(string text, string start)
    {
        int begin = text.IndexOf(start, StringComparison.Ordinal);
        Assert.True(begin >= 0, start);
        int end = text.IndexOf(");", begin, StringComparison.Ordinal);
        string body = text[(begin + start.Length)..end];
        return body.Split(',').Select(c => c.Trim().Split(' ')[0]).Where(c => c.Length > 0 && char.IsLetter(c[0]) && !c.StartsWith("max", StringComparison.Ordinal)).ToList();
    }

    private static List<(string Table, string Column)> Columns(IEnumerable<string> files)
    {
        var columns = new List<(string, string)>();
        foreach (string file in files)
        {
            foreach (var table in SqlParsing.All<CreateTableStatement>(SqlParsing.Parse(File.ReadAllText(file))))
            {
                columns.AddRange(table.Definition.ColumnDefinitions.Select(c => (table.SchemaObjectName.BaseIdentifier.Value, c.ColumnIdentifier.Value)));
            }
        }

        return columns;
    }

    [GeneratedRegex(@"\(N'(?<anomaly>\w+)', N'(?<table>[FP]_\w+)', N'(?<column>\w+)'\)")]
    private static partial Regex RequiredColumn();

    [GeneratedRegex(@"COL_LENGTH\(N'dbo\.(?<table>\w+)', N'(?<column>\w+)'\)")]
    private static partial Regex ColumnLength();

    [GeneratedRegex(@"\(N'dbo\.(?<name>MC_\w+)'\)")]
    private static partial Regex ExpectedObject();
}
