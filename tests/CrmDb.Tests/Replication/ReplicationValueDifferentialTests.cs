using CrmDb.Clr;
using CrmDb.Clr.Replication;
using CrmDb.Tests.Infrastructure;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CrmDb.Tests.Replication;

/// <summary>
/// The REPLI value parser (CrmDb.Clr, which cannot use ScriptDom in a SAFE assembly) against an
/// independent reading of the same rules on ScriptDom's syntax tree: for every value of the
/// corpus both must accept or both refuse. The ScriptDom reading wraps the expanded value as
/// MC_replicate's read does, parses it as SQL Server 2017 does, and allows only a white list of
/// node types (columns of one or two parts, literals, CASE, CAST/CONVERT to system types, the
/// built-ins, the allow-listed functions, single-column subqueries over the GesCom database).
/// </summary>
public sealed class ReplicationValueDifferentialTests
{
    private const string AllowList = "dbo.FCT_condpaiement";
    private const string GesCom = "GESCOMDB";

    private static readonly HashSet<string> AllowedNodes =
    [
        nameof(ParenthesisExpression), nameof(ScalarSubquery), nameof(QuerySpecification), nameof(SelectScalarExpression),
        nameof(FromClause), nameof(NamedTableReference), nameof(QualifiedJoin), nameof(SchemaObjectName), nameof(Identifier),
        nameof(MultiPartIdentifier), nameof(ColumnReferenceExpression), nameof(WhereClause), nameof(BooleanComparisonExpression),
        nameof(BooleanBinaryExpression), nameof(BooleanNotExpression), nameof(BooleanParenthesisExpression),
        nameof(BooleanIsNullExpression), nameof(BooleanTernaryExpression), nameof(LikePredicate), nameof(InPredicate),
        nameof(ExistsPredicate), nameof(BinaryExpression), nameof(UnaryExpression), nameof(IntegerLiteral), nameof(NumericLiteral),
        nameof(StringLiteral), nameof(NullLiteral), nameof(MaxLiteral), nameof(SearchedCaseExpression), nameof(SimpleCaseExpression),
        nameof(SearchedWhenClause), nameof(SimpleWhenClause), nameof(CastCall), nameof(ConvertCall), nameof(TryCastCall),
        nameof(TryConvertCall), nameof(SqlDataTypeReference), nameof(CoalesceExpression), nameof(NullIfExpression), nameof(IIfCall),
        nameof(FunctionCall), nameof(LeftFunctionCall), nameof(RightFunctionCall), nameof(TopRowFilter), nameof(OrderByClause),
        nameof(ExpressionWithSortOrder), nameof(GroupByClause), nameof(ExpressionGroupingSpecification), nameof(HavingClause),
        nameof(IdentifierOrValueExpression), nameof(MultiPartIdentifierCallTarget),
        // The date part of DATEADD, DATEDIFF, DATENAME and DATEPART.
        nameof(IdentifierLiteral),
    ];

    private static readonly HashSet<SqlDataTypeOption> AllowedTypes =
    [
        SqlDataTypeOption.BigInt, SqlDataTypeOption.Bit, SqlDataTypeOption.Char, SqlDataTypeOption.Date, SqlDataTypeOption.DateTime,
        SqlDataTypeOption.DateTime2, SqlDataTypeOption.DateTimeOffset, SqlDataTypeOption.Decimal, SqlDataTypeOption.Float,
        SqlDataTypeOption.Int, SqlDataTypeOption.Money, SqlDataTypeOption.NChar, SqlDataTypeOption.Numeric, SqlDataTypeOption.NVarChar,
        SqlDataTypeOption.Real, SqlDataTypeOption.SmallDateTime, SqlDataTypeOption.SmallInt, SqlDataTypeOption.SmallMoney,
        SqlDataTypeOption.Time, SqlDataTypeOption.TinyInt, SqlDataTypeOption.UniqueIdentifier, SqlDataTypeOption.VarChar,
    ];

    public static TheoryData<string> Corpus
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (string value in ReplicationValueCorpus.Accepted)
            {
                data.Add(value);
            }

            foreach ((string value, _) in ReplicationValueCorpus.Refused)
            {
                data.Add(value);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void The_parser_and_ScriptDom_agree_on_every_value_of_the_corpus(string value)
    {
        bool ours = ReplicationValueParser.Check(value, AllowList) is null;
        string? theirs = ScriptDomProblem(value);

        Assert.True(ours == (theirs is null), $"CrmDb.Clr {(ours ? "accepts" : "refuses")}, ScriptDom {(theirs is null ? "accepts" : "refuses: " + theirs)}: {value}");
    }

    [Fact]
    public void The_ScriptDom_reading_refuses_what_the_issue_names()
    {
        // The reference is not lenient: the issue's three examples are refused by it too.
        Assert.NotNull(ScriptDomProblem("(SELECT TOP (1) U.User_Logon FROM dbo.Users AS U)"));
        Assert.NotNull(ScriptDomProblem("(SELECT TOP (1) name FROM sys.sql_logins)"));
        Assert.NotNull(ScriptDomProblem("(SELECT TOP (1) X.a FROM OPENQUERY(SRV, 'SELECT 1 AS a') AS X)"));
        Assert.Null(ScriptDomProblem("dbo.FCT_condpaiement(CT_Num)"));
    }

    /// <summary>Null when ScriptDom's tree of the value holds only what the rules allow; otherwise why not.</summary>
    private static string? ScriptDomProblem(string value)
    {
        string expanded;
        try
        {
            expanded = TokenExpander.Expand(value, GesComLocation.Create(string.Empty, GesCom, null));
        }
        catch (ArgumentException ex)
        {
            return ex.Message;
        }

        string sql = "SELECT (\n" + expanded + "\n) AS v FROM [" + GesCom + "].dbo.F_COMPTET AS G;";
        var parser = new TSql140Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(sql);
        TSqlFragment fragment = parser.Parse(reader, out IList<ParseError> errors);
        if (errors.Count > 0)
        {
            return "parse: " + errors[0].Message;
        }

        var script = (TSqlScript)fragment;
        if (script.Batches.Count != 1 || script.Batches[0].Statements.Count != 1
            || script.Batches[0].Statements[0] is not SelectStatement { QueryExpression: QuerySpecification outer, Into: null }
            || outer.SelectElements.Count != 1 || outer.SelectElements[0] is not SelectScalarExpression element)
        {
            return "not one expression";
        }

        var rules = new Rules();
        element.Expression.Accept(rules);
        return rules.Problem;
    }

    private sealed class Rules : TSqlFragmentVisitor
    {
        private static readonly string[] BuiltIns = ReplicationValueParser.BuiltInFunctions();

        public string? Problem { get; private set; }

        public override void Visit(TSqlFragment node)
        {
            string kind = node.GetType().Name;
            if (!AllowedNodes.Contains(kind))
            {
                Refuse(kind);
                return;
            }

            switch (node)
            {
                case NamedTableReference table:
                    SchemaObjectName name = table.SchemaObject;
                    if (name.ServerIdentifier is not null || name.DatabaseIdentifier?.Value != GesCom || name.SchemaIdentifier?.Value != "dbo"
                        || !(name.BaseIdentifier.Value.StartsWith("F_", StringComparison.Ordinal) || name.BaseIdentifier.Value.StartsWith("P_", StringComparison.Ordinal)))
                    {
                        Refuse("table " + string.Join(".", name.Identifiers.Select(i => i.Value)));
                    }

                    break;
                case ColumnReferenceExpression column when column.MultiPartIdentifier?.Count > 2:
                    Refuse("column of " + column.MultiPartIdentifier.Count + " parts");
                    break;
                case ColumnReferenceExpression { ColumnType: not ColumnType.Regular and not ColumnType.Wildcard } column:
                    Refuse("column " + column.ColumnType);
                    break;
                case FunctionCall call:
                    if (call.OverClause is not null)
                    {
                        Refuse("OVER");
                    }
                    else if (call.CallTarget is null ? !BuiltIns.Contains(call.FunctionName.Value.ToUpperInvariant())
                             : call.CallTarget is not MultiPartIdentifierCallTarget { MultiPartIdentifier.Count: 1 } target
                               || !string.Equals(target.MultiPartIdentifier[0].Value + "." + call.FunctionName.Value, AllowList, StringComparison.OrdinalIgnoreCase))
                    {
                        Refuse("function " + call.FunctionName.Value);
                    }

                    break;
                case SqlDataTypeReference type when !AllowedTypes.Contains(type.SqlDataTypeOption):
                    Refuse("type " + type.SqlDataTypeOption);
                    break;
                case QuerySpecification query when query.SelectElements.Count != 1 || query.ForClause is not null || query.OffsetClause is not null:
                    Refuse("subquery shape");
                    break;
            }
        }

        private void Refuse(string why) => Problem ??= why;
    }
}
