using CrmDb.Clr;
using CrmDb.Clr.Replication;
using CrmDb.Tests.Infrastructure;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using static CrmDb.Tests.Replication.ReplicationSamples;

namespace CrmDb.Tests.Replication;

/// <summary>
/// The replication statements: the columns of the local table, the read of GesCom into it (the
/// only remote statement, run before the transaction), one local UPDATE of dbo.Account where a
/// value differs, each field from its own watermark; the token as a parameter.
/// </summary>
public sealed class ReplicationStatementBuilderTests
{
    [Fact]
    public void The_read_copies_GesCom_once_into_the_local_table_and_the_write_is_one_UPDATE()
    {
        var read = ParseBatch(ReplicationStatementBuilder.BuildRead(Local, AllKinds)).Statements;
        var write = ParseBatch(ReplicationStatementBuilder.BuildWrite(AllKinds)).Statements;
        var columns = Assert.IsType<AlterTableAddTableElementStatement>(Assert.Single(ParseBatch(ReplicationStatementBuilder.BuildColumns(AllKinds)).Statements));

        Assert.Equal("#MC_replicate_source", columns.SchemaObjectName.BaseIdentifier.Value);
        Assert.Equal(["v1", "v2", "v3"], columns.Definition.ColumnDefinitions.Select(c => c.ColumnIdentifier.Value));
        Assert.Collection(
            read,
            s => Assert.Equal("#MC_replicate_source", Assert.IsType<InsertStatement>(s).InsertSpecification.Target is NamedTableReference t ? t.SchemaObject.BaseIdentifier.Value : null),
            s => Assert.IsType<SelectStatement>(s));
        Assert.Collection(
            write,
            s => Assert.Equal("A", ((NamedTableReference)Assert.IsType<UpdateStatement>(s).UpdateSpecification.Target).SchemaObject.BaseIdentifier.Value),
            s => Assert.Equal("@RowsChanged", Assert.IsType<SetVariableStatement>(s).Variable.Name));
        var query = (QuerySpecification)((SelectInsertSource)((InsertStatement)read[0]).InsertSpecification.InsertSource).Select;
        var source = (NamedTableReference)Assert.Single(query.FromClause.TableReferences);
        Assert.Equal(["GesCom", "dbo", "F_COMPTET"], source.SchemaObject.Identifiers.Select(i => i.Value));
        Assert.Equal("G", source.Alias.Value);
        // CT_Num, cbReplication, then one value per field.
        Assert.Equal(2 + AllKinds.Count, query.SelectElements.Count);
        // Only the read names GesCom: the write is local.
        Assert.DoesNotContain(SqlParsing.All<SchemaObjectName>(ParseBatch(ReplicationStatementBuilder.BuildWrite(AllKinds))),
            n => n.ServerIdentifier is not null || n.DatabaseIdentifier is not null);
    }

    [Fact]
    public void The_token_is_a_parameter_and_never_part_of_the_text()
    {
        var read = ParseBatch(ReplicationStatementBuilder.BuildRead(Local, [Column]));
        var write = ParseBatch(ReplicationStatementBuilder.BuildWrite([Column]));

        var query = (QuerySpecification)((SelectInsertSource)((InsertStatement)read.Statements[0]).InsertSpecification.InsertSource).Select;
        var filter = Assert.IsType<BooleanComparisonExpression>(query.WhereClause.SearchCondition);
        Assert.Equal(BooleanComparisonType.GreaterThanOrEqualTo, filter.ComparisonType);
        Assert.Equal(["G", "cbReplication"], Parts(Assert.IsType<ColumnReferenceExpression>(filter.FirstExpression)));
        Assert.Equal("@token", Assert.IsType<VariableReference>(filter.SecondExpression).Name);
        // No number in the read but the column types' lengths, none in the write but the field
        // numbers of the watermark table: nothing of a token value is in the text.
        var typeLengths = SqlParsing.All<SqlDataTypeReference>(read).SelectMany(t => t.Parameters).ToList();
        Assert.All(SqlParsing.All<IntegerLiteral>(read), literal => Assert.Contains(literal, typeLengths));
        Assert.Equal(["1", "1"], SqlParsing.All<IntegerLiteral>(write).Select(l => l.Value));

        // Every variable of each statement is one that sp_executesql declares for it.
        Assert.All(SqlParsing.All<VariableReference>(read), v => Assert.Contains(v.Name, Declared(ReplicationStatementBuilder.ReadParameterDefinitions)));
        Assert.All(SqlParsing.All<VariableReference>(write), v => Assert.Contains(v.Name, Declared(ReplicationStatementBuilder.WriteParameterDefinitions)));
        Assert.Equal(["@token", "@NewToken"], Declared(ReplicationStatementBuilder.ReadParameterDefinitions));
        Assert.Equal(["@RowsChanged"], Declared(ReplicationStatementBuilder.WriteParameterDefinitions));
        Assert.Equal(["@token", "@RowsChanged", "@NewToken"], Declared(ReplicationStatementBuilder.ParameterDefinitions));
    }

    [Fact]
    public void Each_field_takes_a_row_only_from_its_own_watermark()
    {
        var update = ParseBatch(ReplicationStatementBuilder.BuildWrite(AllKinds)).Statements.OfType<UpdateStatement>().Single().UpdateSpecification;

        var sets = update.SetClauses.Cast<AssignmentSetClause>().ToList();
        for (int i = 0; i < sets.Count; i++)
        {
            // A.<column> = CASE WHEN S.cbReplication >= (SELECT W.Token FROM #MC_replicate_watermark AS W WHERE W.FieldNo = i + 1) THEN S.v<i+1> ELSE A.<column> END
            var value = Assert.IsType<SearchedCaseExpression>(sets[i].NewValue);
            var when = Assert.Single(value.WhenClauses);
            var test = Assert.IsType<BooleanComparisonExpression>(when.WhenExpression);
            Assert.Equal(["S", "cbReplication"], Parts((ColumnReferenceExpression)test.FirstExpression));
            var token = Assert.IsType<ScalarSubquery>(test.SecondExpression);
            var lookup = (QuerySpecification)token.QueryExpression;
            Assert.Equal("#MC_replicate_watermark", ((NamedTableReference)Assert.Single(lookup.FromClause.TableReferences)).SchemaObject.BaseIdentifier.Value);
            var number = (BooleanComparisonExpression)lookup.WhereClause.SearchCondition;
            Assert.Equal((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.IsType<IntegerLiteral>(number.SecondExpression).Value);
            Assert.Equal(["S", "v" + (i + 1)], Parts((ColumnReferenceExpression)when.ThenExpression));
            Assert.Equal(["A", AllKinds[i].Column], Parts((ColumnReferenceExpression)value.ElseExpression));
        }
    }

    [Fact]
    public void Only_rows_where_a_value_differs_are_written_NULLs_included()
    {
        var update = ParseBatch(ReplicationStatementBuilder.BuildWrite(AllKinds)).Statements.OfType<UpdateStatement>().Single().UpdateSpecification;

        // WHERE EXISTS (SELECT <current values> EXCEPT SELECT <new values>): EXCEPT compares NULL
        // with NULL as equal and NULL with a value as different, which = and <> do not.
        var exists = Assert.IsType<ExistsPredicate>(update.WhereClause.SearchCondition);
        var except = Assert.IsType<BinaryQueryExpression>(exists.Subquery.QueryExpression);
        Assert.Equal(BinaryQueryExpressionType.Except, except.BinaryQueryExpressionType);
        var current = ((QuerySpecification)except.FirstQueryExpression).SelectElements.Cast<SelectScalarExpression>().Select(e => (ColumnReferenceExpression)e.Expression).ToList();
        var next = ((QuerySpecification)except.SecondQueryExpression).SelectElements.Cast<SelectScalarExpression>().Select(e => (ParenthesisExpression)e.Expression).ToList();
        Assert.Equal(AllKinds.Select(f => "A." + f.Column), current.Select(c => string.Join('.', Parts(c))));
        // The new values are the SET's own (GesCom's from the field's watermark, else the current one).
        var sets = update.SetClauses.Cast<AssignmentSetClause>().ToList();
        Assert.Equal(sets.Select(c => Text(c.NewValue)), next.Select(n => Text(n.Expression)));
        // Character values compare under a binary collation, so a change of case or accent counts.
        Assert.All(current, c => Assert.Equal("Latin1_General_BIN2", c.Collation?.Value));
        Assert.All(next, n => Assert.Equal("Latin1_General_BIN2", n.Collation?.Value));

        // Every field is written by the same UPDATE.
        Assert.Equal(
            AllKinds.Select(f => f.Column),
            sets.Select(c => c.Column.MultiPartIdentifier.Identifiers[^1].Value));
    }

    [Fact]
    public void Values_other_than_text_are_compared_as_they_are()
    {
        var amount = new ReplicationField("REPLI_acc_encours_repli", "acc_encours_repli", "numeric(24,6)", "CT_Encours");

        string sql = ReplicationStatementBuilder.Build(Local, [Column, amount]);

        var update = ParseBatch(sql).Statements.OfType<UpdateStatement>().Single().UpdateSpecification;
        var except = (BinaryQueryExpression)((ExistsPredicate)update.WhereClause.SearchCondition).Subquery.QueryExpression;
        var current = ((QuerySpecification)except.FirstQueryExpression).SelectElements.Cast<SelectScalarExpression>().Select(e => (ColumnReferenceExpression)e.Expression).ToList();
        var next = ((QuerySpecification)except.SecondQueryExpression).SelectElements.Cast<SelectScalarExpression>().Select(e => (ParenthesisExpression)e.Expression).ToList();
        Assert.Equal("Latin1_General_BIN2", current[0].Collation?.Value);
        Assert.Null(current[1].Collation);
        Assert.Null(next[1].Collation);
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
    public void Without_a_valid_field_the_cycle_still_reads_the_watermark_and_writes_nothing()
    {
        var read = ParseBatch(ReplicationStatementBuilder.BuildRead(Local, [])).Statements;
        var write = ParseBatch(ReplicationStatementBuilder.BuildWrite([])).Statements;

        var query = (QuerySpecification)Assert.IsType<SelectStatement>(Assert.Single(read)).QueryExpression;
        Assert.Equal("MAX", ((FunctionCall)((SelectSetVariable)Assert.Single(query.SelectElements)).Expression).FunctionName.Value);
        Assert.Equal("@RowsChanged", Assert.IsType<SetVariableStatement>(Assert.Single(write)).Variable.Name);
        Assert.Equal(string.Empty, ReplicationStatementBuilder.BuildColumns([]));
        Assert.Empty(SqlParsing.All<UpdateStatement>(ParseBatch(ReplicationStatementBuilder.Build(Local, []))));
    }

    [Fact]
    public void Hostile_column_server_and_database_names_stay_names()
    {
        const string column = "acc_x]; DROP TABLE dbo.Account; --_repli";
        var location = GesComLocation.Create("srv]; DROP DATABASE CRM; --", "db'x]]", "CRM");
        var field = new ReplicationField("REPLI_acc_x_repli", column, "nvarchar(20)", "[CT_Num]");

        string sql = ReplicationStatementBuilder.Build(location, [field]);

        var batch = ParseBatch(sql);
        // The two tables, the watermarks, the columns, the read (2), the write (2), the two drops.
        Assert.Equal(10, batch.Statements.Count);
        Assert.Equal(["#MC_replicate_watermark", "#MC_replicate_source"],
            SqlParsing.All<DropTableStatement>(batch).Select(d => d.Objects.Single().BaseIdentifier.Value));
        var set = (AssignmentSetClause)batch.Statements.OfType<UpdateStatement>().Single().UpdateSpecification.SetClauses.Single();
        Assert.Equal(column, set.Column.MultiPartIdentifier.Identifiers[^1].Value);
        var read = (QuerySpecification)((SelectInsertSource)batch.Statements.OfType<InsertStatement>().Last().InsertSpecification.InsertSource).Select;
        var source = (NamedTableReference)read.FromClause.TableReferences.Single();
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

    private static List<string> Declared(string definitions) =>
        SqlParsing.All<ProcedureParameter>(SqlParsing.Parse("CREATE PROCEDURE dbo.p " + definitions + " AS RETURN 0;"))
            .Select(p => p.VariableName.Value)
            .ToList();

    private static string Text(TSqlFragment fragment) =>
        string.Concat(Enumerable.Range(fragment.FirstTokenIndex, fragment.LastTokenIndex - fragment.FirstTokenIndex + 1)
            .Select(i => fragment.ScriptTokenStream[i].Text));
}
