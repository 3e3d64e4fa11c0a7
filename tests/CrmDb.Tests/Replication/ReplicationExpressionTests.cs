using CrmDb.Clr.Replication;

namespace CrmDb.Tests.Replication;

/// <summary>A field's value must stay one scalar expression inside the generated statement.</summary>
public sealed class ReplicationExpressionTests
{
    [Theory]
    [InlineData("[CT_NumPayeur]")]
    [InlineData("CG_NumPrinc")]
    [InlineData("G.[CT_Commentaire libre]")]
    [InlineData("dbo.FCT_condpaiement(CT_Num)")]
    [InlineData("(SELECT TOP (1) R.R_Intitule FROM #P_REGLEMENT# AS R WHERE R.cbIndice = G.N_Condition)")]
    [InlineData("CASE WHEN CT_Sommeil = 1 THEN N'En sommeil ; fermé' ELSE N'Actif (ouvert)' END")]
    [InlineData("CONCAT(CT_Ville, ')', '(')")]
    [InlineData("[a)b] + [c;d]")]
    [InlineData("\"x)\" + 'it''s ; ok'")]
    [InlineData("CT_Num -- le numéro ; )\n")]
    [InlineData("CT_Num /* commentaire ) ; /* imbriqué */ */")]
    [InlineData("UPPER(\nCT_Ville\n)")]
    public void A_column_a_subquery_or_a_call_is_accepted(string expression)
    {
        Assert.Null(ReplicationExpression.Problem(expression));
    }

    [Theory]
    [InlineData(null, "vide")]
    [InlineData("", "vide")]
    [InlineData("   \n", "vide")]
    [InlineData("CT_Num; DROP TABLE dbo.Account", "point-virgule")]
    [InlineData("CT_Num)) AS v FROM dbo.F_COMPTET AS G; DROP TABLE dbo.Account; SELECT ((1", "parenthèse fermante")]
    [InlineData("(SELECT 1); DROP TABLE dbo.Account", "point-virgule")]
    [InlineData("CT_Num)) AS v INTO #x FROM dbo.F_COMPTET AS G UPDATE dbo.Account SET Acc_Deleted = 1 SELECT ((1", "parenthèse fermante")]
    [InlineData("UPPER(CT_Num", "parenthèse ouvrante")]
    [InlineData("'abc", "apostrophes")]
    [InlineData("'it''s", "apostrophes")]
    [InlineData("[CT_Num", "crochets")]
    [InlineData("\"CT_Num", "guillemets")]
    [InlineData("CT_Num /* ) ", "commentaire")]
    [InlineData("CT_Num /* /* */ ) ", "commentaire")]
    public void An_expression_that_could_leave_its_place_is_refused_with_the_reason_in_French(string? expression, string reason)
    {
        string? problem = ReplicationExpression.Problem(expression);

        Assert.NotNull(problem);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }
}
