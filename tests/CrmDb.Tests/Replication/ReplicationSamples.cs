using CrmDb.Clr;
using CrmDb.Clr.Replication;
using CrmDb.Tests.Infrastructure;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CrmDb.Tests.Replication;

/// <summary>Fields and locations shared by the replication tests: the guide's three examples.</summary>
internal static class ReplicationSamples
{
    /// <summary>The GesCom database name under which tests/fixtures/ReplicationModel references the fixture.</summary>
    public const string GesComDatabase = "GesCom";

    /// <summary>GesCom on the CRM's instance: three-part names [GesCom].dbo.F_X.</summary>
    public static GesComLocation Local => GesComLocation.Create(string.Empty, GesComDatabase, null);

    /// <summary>A column ([CT_NumPayeur]).</summary>
    public static ReplicationField Column =>
        new("REPLI_acc_numpayeur_repli", "acc_numpayeur_repli", "nvarchar(17)", "[CT_NumPayeur]");

    /// <summary>A scalar subquery, with a token.</summary>
    public static ReplicationField Subquery =>
        new("REPLI_acc_numprinc_repli", "acc_numprinc_repli", "nvarchar(13)",
            "(SELECT TOP (1) T.CG_Num FROM #F_COMPTETG# AS T WHERE T.CT_Num = G.CT_Num ORDER BY T.CG_Num)");

    /// <summary>A function call: the payment-terms template function.</summary>
    public static ReplicationField Function =>
        new("REPLI_acc_condpaiement_repli", "acc_condpaiement_repli", "nvarchar(max)", "dbo.FCT_condpaiement(CT_Num)");

    /// <summary>The three kinds together.</summary>
    public static IList<ReplicationField> AllKinds => [Column, Subquery, Function];

    /// <summary>The statement of <paramref name="fields"/> parsed as one batch.</summary>
    public static TSqlBatch ParseBatch(string sql) =>
        Assert.Single(((TSqlScript)SqlParsing.Parse(sql)).Batches);

    /// <summary>The name parts of a column reference (A.[x] gives A, x).</summary>
    public static string[] Parts(ColumnReferenceExpression column) =>
        column.MultiPartIdentifier.Identifiers.Select(i => i.Value).ToArray();
}
