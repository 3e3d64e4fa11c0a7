using CrmDb.Clr;
using CrmDb.Clr.Replication;
using CrmDb.Tests.Infrastructure;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using static CrmDb.Tests.Replication.ReplicationSamples;

namespace CrmDb.Tests.Replication;

/// <summary>
/// The one replication statement (issue 5, item 1 and 2): read GesCom into a local table, one
/// UPDATE of dbo.Account where a value differs, the token as a parameter.
/// </summary>
public sealed class ReplicationStatementBuilderTests
{
    [Fact]
    public void The_statement_reads_GesCom_once_then_writes_Account_with_one_UPDATE()
    {
        string sql = ReplicationStatementBuilder.Build(Local, AllKinds);

        var statements = ParseBatch(sql).Statements;

        Assert.Collection(
            statements,
            s => Assert.Equal("#MC_replicate_source", Assert.IsType<SelectStatement>(s).Into.BaseIdentifier.Value),
            s => Assert.IsType<SelectStatement>(s),
            s => Assert.Equal("A", ((NamedTableReference)Assert.IsType<UpdateStatement>(s).UpdateSpecification.Target).SchemaObject.BaseIdentifier.Value),
            s => Assert.Equal("@RowsChanged", Assert.IsType<SetVariableStatement>(s).Variable.Name),
            s => Assert.IsType<DropTableStatement>(s));
        var read = (QuerySpecification)((SelectStatement)statements[0]).QueryExpression;
        var source = (NamedTableReference)Assert.Single(read.FromClause.TableReferences);
        Assert.Equal(["GesCom", "dbo", "F_COMPTET"], source.SchemaObject.Identifiers.Select(i => i.Value));
        Assert.Equal("G", source.Alias.Value);
        // CT_Num, cbReplication, then one value per field.
        Assert.Equal(2 + AllKinds.Count, read.SelectElements.Count);
    }

    [Fact]
    public void The_token_is_a_parameter_and_never_part_of_the_text()
    {
        string sql = ReplicationStatementBuilder.Build(Local, [Column]);

        var batch = ParseBatch(sql);
        var read = (QuerySpecification)((SelectStatement)batch.Statements[0]).QueryExpression;
        var filter = Assert.IsType<BooleanComparisonExpression>(read.WhereClause.SearchCondition);
        Assert.Equal(BooleanComparisonType.GreaterThanOrEqualTo, filter.ComparisonType);
        Assert.Equal(["G", "cbReplication"], Parts(Assert.IsType<ColumnReferenceExpression>(filter.FirstExpression)));
        Assert.Equal("@token", Assert.IsType<VariableReference>(filter.SecondExpression).Name);
        // No number but the column types' lengths: nothing of a token value is in the text.
        var typeLengths = SqlParsing.All<SqlDataTypeReference>(batch).SelectMany(t => t.Parameters).ToList();
        Assert.All(SqlParsing.All<IntegerLiteral>(batch), literal => Assert.Contains(literal, typeLengths));

        // Every variable of the statement is one that sp_executesql declares with ParameterDefinitions.
        var declared = SqlParsing.All<ProcedureParameter>(SqlParsing.Parse(
                "CREATE PROCEDURE dbo.p " + ReplicationStatementBuilder.ParameterDefinitions + " AS RETURN 0;"))
            .Select(p => p.VariableName.Value)
            .ToList();
        Assert.Equal(["@token", "@RowsChanged", "@NewToken"], declared);
        Assert.All(SqlParsing.All<VariableReference>(batch), v => Assert.Contains(v.Name, declared));
    }

    [Fact]
    public void Only_rows_where_a_value_differs_are_written_NULLs_included()
    {
        string sql = ReplicationStatementBuilder.Build(Local, AllKinds);

        var update = ParseBatch(sql).Statements.OfType<UpdateStatement>().Single().UpdateSpecification;

        // WHERE EXISTS (SELECT <current values> EXCEPT SELECT <new values>): EXCEPT compares NULL
        // with NULL as equal and NULL with a value as different, which = and <> do not.
        var exists = Assert.IsType<ExistsPredicate>(update.WhereClause.SearchCondition);
        var except = Assert.IsType<BinaryQueryExpression>(exists.Subquery.QueryExpression);
        Assert.Equal(BinaryQueryExpressionType.Except, except.BinaryQueryExpressionType);
        var current = ((QuerySpecification)except.FirstQueryExpression).SelectElements.Cast<SelectScalarExpression>().Select(e => (ColumnReferenceExpression)e.Expression).ToList();
        var next = ((QuerySpecification)except.SecondQueryExpression).SelectElements.Cast<SelectScalarExpression>().Select(e => (ColumnReferenceExpression)e.Expression).ToList();
        Assert.Equal(AllKinds.Select(f => "A." + f.Column), current.Select(c => string.Join('.', Parts(c))));
        Assert.Equal(["S.v1", "S.v2", "S.v3"], next.Select(c => string.Join('.', Parts(c))));
        // Character values compare under a binary collation, so a change of case or accent counts.
        Assert.All(current.Concat(next), c => Assert.Equal("Latin1_General_BIN2", c.Collation?.Value));

        // Every field is written by the same UPDATE.
        Assert.Equal(
            AllKinds.Select(f => f.Column),
            update.SetClauses.Cast<AssignmentSetClause>().Select(c => c.Column.MultiPartIdentifier.Identifiers[^1].Value));
    }

    [Fact]
    public void Values_other_than_text_are_compared_as_they_are()
    {
        var amount = new ReplicationField("REPLI_acc_encours_repli", "acc_encours_repli", "numeric(24,6)", "CT_Encours");

        string sql = ReplicationStatementBuilder.Build(Local, [Column, amount]);

        var update = ParseBatch(sql).Statements.OfType<UpdateStatement>().Single().UpdateSpecification;
        var except = (BinaryQueryExpression)((ExistsPredicate)update.WhereClause.SearchCondition).Subquery.QueryExpression;
        var current = ((QuerySpecification)except.FirstQueryExpression).SelectElements.Cast<SelectScalarExpression>().Select(e => (ColumnReferenceExpression)e.Expression).ToList();
        Assert.Equal("Latin1_General_BIN2", current[0].Collation?.Value);
        Assert.Null(current[1].Collation);
        Assert.Contains("CONVERT(numeric(24,6), (\nCT_Encours\n", sql, StringComparison.Ordinal);
    }

    [Fact]
    public void Account_is_joined_on_the_CT_Num_under_the_CRM_collation()
    {
        string sql = ReplicationStatementBuilder.Build(Local, [Column]);

        var update = ParseBatch(sql).Statements.OfType<UpdateStatement>().Single().UpdateSpecification;

        var join = Assert.IsType<QualifiedJoin>(Assert.Single(update.FromClause.TableReferences));
        Assert.Equal(QualifiedJoinType.Inner, join.QualifiedJoinType);
        Assert.Equal(["dbo", "Account"], ((NamedTableReference)join.FirstTableReference).SchemaObject.Identifiers.Select(i => i.Value));
        var on = Assert.IsType<BooleanComparisonExpression>(join.SearchCondition);
        Assert.Equal(["A", "acc_erp_account_id"], Parts((ColumnReferenceExpression)on.FirstExpression));
        var ctNum = (ColumnReferenceExpression)on.SecondExpression;
        Assert.Equal(["S", "CT_Num"], Parts(ctNum));
        // GesCom's collation may differ from the CRM's: an explicit COLLATE avoids error 468.
        Assert.Equal("DATABASE_DEFAULT", ctNum.Collation?.Value);
    }

    [Fact]
    public void Each_value_is_converted_to_its_column_type_with_tokens_expanded()
    {
        string sql = ReplicationStatementBuilder.Build(Local, AllKinds);

        Assert.Contains("CONVERT(nvarchar(17), (\n[CT_NumPayeur]\n    )) AS v1", sql, StringComparison.Ordinal);
        Assert.Contains("CONVERT(nvarchar(13), (\n(SELECT TOP (1) T.CG_Num FROM [GesCom].dbo.F_COMPTETG AS T", sql, StringComparison.Ordinal);
        Assert.Contains("CONVERT(nvarchar(max), (\ndbo.FCT_condpaiement(CT_Num)\n    )) AS v3", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("#F_", sql, StringComparison.Ordinal);
    }

    [Fact]
    public void A_linked_server_integration_reads_through_four_part_names()
    {
        var location = GesComLocation.Create("GESCOM01", "BIJOU", "CRM-SQL01");

        string sql = ReplicationStatementBuilder.Build(location, [Subquery]);

        Assert.Contains("FROM [GESCOM01].[BIJOU].dbo.F_COMPTET AS G", sql, StringComparison.Ordinal);
        Assert.Contains("FROM [GESCOM01].[BIJOU].dbo.F_COMPTETG AS T", sql, StringComparison.Ordinal);
        // Writes are local: the only remote names are in the read.
        var update = ParseBatch(sql).Statements.OfType<UpdateStatement>().Single();
        Assert.DoesNotContain(SqlParsing.All<SchemaObjectName>(update), n => n.ServerIdentifier is not null || n.DatabaseIdentifier is not null);
    }

    [Fact]
    public void Without_a_valid_field_the_cycle_still_sends_one_statement_that_reads_the_watermark()
    {
        string sql = ReplicationStatementBuilder.Build(Local, []);

        var statements = ParseBatch(sql).Statements;

        Assert.Equal(2, statements.Count);
        var read = (QuerySpecification)Assert.IsType<SelectStatement>(statements[0]).QueryExpression;
        Assert.Equal("MAX", ((FunctionCall)((SelectSetVariable)Assert.Single(read.SelectElements)).Expression).FunctionName.Value);
        Assert.Equal("@RowsChanged", Assert.IsType<SetVariableStatement>(statements[1]).Variable.Name);
        Assert.Empty(SqlParsing.All<UpdateStatement>(ParseBatch(sql)));
    }

    [Fact]
    public void Hostile_column_server_and_database_names_stay_names()
    {
        const string column = "acc_x]; DROP TABLE dbo.Account; --_repli";
        var location = GesComLocation.Create("srv]; DROP DATABASE CRM; --", "db'x]]", "CRM");
        var field = new ReplicationField("REPLI_acc_x_repli", column, "nvarchar(20)", "[CT_Num]");

        string sql = ReplicationStatementBuilder.Build(location, [field]);

        var batch = ParseBatch(sql);
        Assert.Equal(5, batch.Statements.Count);
        Assert.Single(SqlParsing.All<DropTableStatement>(batch));
        Assert.Equal("#MC_replicate_source", SqlParsing.All<DropTableStatement>(batch)[0].Objects.Single().BaseIdentifier.Value);
        var set = (AssignmentSetClause)batch.Statements.OfType<UpdateStatement>().Single().UpdateSpecification.SetClauses.Single();
        Assert.Equal(column, set.Column.MultiPartIdentifier.Identifiers[^1].Value);
        var source = (NamedTableReference)((QuerySpecification)((SelectStatement)batch.Statements[0]).QueryExpression).FromClause.TableReferences.Single();
        Assert.Equal("srv]; DROP DATABASE CRM; --", source.SchemaObject.ServerIdentifier.Value);
        Assert.Equal("db'x]]", source.SchemaObject.DatabaseIdentifier.Value);
    }

    [Theory]
    [InlineData("acc_a_repli", "nvarchar(10)", "CT_Num); DROP TABLE dbo.Account; --", "parenthèse fermante")]
    [InlineData("acc_a_repli", "nvarchar(10)", "", "vide")]
    [InlineData("acc_a_repli", "xml", "CT_Num", "cannot be replicated")]
    [InlineData("acc_a_repli", "nvarchar(10)) --", "CT_Num", "cannot be replicated")]
    [InlineData("", "nvarchar(10)", "CT_Num", "empty")]
    public void A_field_that_cannot_be_placed_safely_is_refused(string column, string type, string expression, string message)
    {
        var field = new ReplicationField("REPLI_acc_a_repli", column, type, expression);

        var error = Assert.Throws<ArgumentException>(() => ReplicationStatementBuilder.Build(Local, [Column, field]));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_fields_cannot_write_the_same_column()
    {
        var again = new ReplicationField("REPLI_ACC_NUMPAYEUR_REPLI", "ACC_NUMPAYEUR_REPLI", "nvarchar(17)", "CT_Num");

        var error = Assert.Throws<ArgumentException>(() => ReplicationStatementBuilder.Build(Local, [Column, again]));

        Assert.Contains("one field only", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_column_name_that_QUOTENAME_would_refuse_is_refused()
    {
        var field = new ReplicationField("REPLI_acc_a_repli", new string('a', 129), "int", "CT_Type");

        Assert.Throws<ArgumentException>(() => ReplicationStatementBuilder.Build(Local, [field]));
    }

    [Fact]
    public void The_check_of_a_field_selects_its_converted_value_over_F_COMPTET()
    {
        string check = ReplicationStatementBuilder.BuildCheck(Local, "(SELECT R_Intitule FROM #P_REGLEMENT# AS P WHERE P.cbIndice = G.N_Condition)", "nvarchar(35)");

        var select = Assert.IsType<SelectStatement>(Assert.Single(ParseBatch(check).Statements));
        var query = (QuerySpecification)select.QueryExpression;
        var value = (SelectScalarExpression)Assert.Single(query.SelectElements);
        var convert = Assert.IsType<ConvertCall>(value.Expression);
        Assert.Equal("nvarchar", ((SqlDataTypeReference)convert.DataType).Name.BaseIdentifier.Value);
        Assert.Contains("[GesCom].dbo.P_REGLEMENT AS P", check, StringComparison.Ordinal);
        Assert.EndsWith("FROM [GesCom].dbo.F_COMPTET AS G;", check, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ReplicationStatementBuilder.BuildCheck(Local, "1; DROP TABLE dbo.Account", "int"));
        Assert.Throws<ArgumentException>(() => ReplicationStatementBuilder.BuildCheck(Local, "CT_Num", "text"));
    }

    [Fact]
    public void The_source_check_reads_the_key_and_the_watermark_column()
    {
        string check = ReplicationStatementBuilder.BuildSourceCheck(GesComLocation.Create("S", "B", null));

        Assert.Equal("SELECT G.CT_Num, G.cbReplication\nFROM [S].[B].dbo.F_COMPTET AS G;", check);
        Assert.Single(ParseBatch(check).Statements);
    }
}
