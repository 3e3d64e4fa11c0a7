using CrmDb.Runner.Cli;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Replication;

/// <summary>
/// dbo.MC_replicate on a real SQL Server (CRMDB_TEST_CONNECTION; skipped otherwise), called as
/// the cycle calls it, outside any transaction: a field whose value fails at run time on one tiers
/// is isolated (each field run again alone), keeps its watermark and catches up once fixed, while
/// the other fields advance, also when the fields' checks were kept from an earlier cycle
/// (validation fingerprint); a change of F_COMPTET's columns compiles them again. Outside tSQLt, whose test transaction would doom the first failure
/// (XACT_ABORT) and leave nothing to isolate. The CRM database is its own GesCom here.
/// </summary>
public sealed class ReplicationIsolationEngineTests
{
    private const string Replicate =
        "DECLARE @Rows int, @Token int; EXEC dbo.MC_replicate @ErpIntegrationID = 1, @tokenAccount = {0}, @RowsChanged = @Rows OUTPUT, @NewToken = @Token OUTPUT; SELECT CONCAT(@Rows, N'|', @Token);";

    private const string Values =
        "SELECT STRING_AGG(CONCAT(acc_erp_account_id, N':', acc_numpayeur_repli, N':', acc_code_repli), N'|') WITHIN GROUP (ORDER BY Acc_AccountId) FROM dbo.Account;";

    private const string Watermarks =
        "SELECT STRING_AGG(CONCAT(ParameterName, N'=', Token), N'|') WITHIN GROUP (ORDER BY ParameterName) FROM dbo.MC_ReplicationWatermark WHERE ErpIntegrationID = 1;";

    [EngineFact]
    public void A_field_failing_at_run_time_keeps_its_watermark_while_another_advances_and_catches_up_once_fixed()
    {
        using var database = Deployed();
        database.Execute("INSERT dbo.F_COMPTET (CT_Num, CT_NumPayeur, CT_Classement, cbReplication) VALUES (N'CL1', N'PAY1', N'12', 10), (N'CL2', N'PAY2', N'ABC', 11);");
        // acc_code_repli is an int: 'ABC' fails to convert (Msg 245) at run time, after the compile check passed.
        database.Execute("INSERT dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_numpayeur_repli', N'[CT_NumPayeur]'), (N'REPLI_acc_code_repli', N'[CT_Classement]');");

        object? first = database.Scalar(string.Format(System.Globalization.CultureInfo.InvariantCulture, Replicate, "NULL"));

        // The payer advanced on both tiers; the code wrote nothing, not even on the tiers that converts.
        Assert.Equal("2|11", first);
        Assert.Equal("CL1:PAY1:|CL2:PAY2:", database.Scalar(Values));
        Assert.Equal("REPLI_acc_code_repli=-2147483648|REPLI_acc_numpayeur_repli=11", database.Scalar(Watermarks));
        Assert.Equal("warning", database.Scalar("SELECT Status FROM dbo.MC_ReplicationLog;"));
        string message = Assert.IsType<string>(database.Scalar("SELECT Message FROM dbo.MC_ReplicationLog;"));
        Assert.Contains("REPLI_acc_code_repli (erreur 245", message, StringComparison.Ordinal);
        Assert.DoesNotContain("REPLI_acc_numpayeur_repli", message, StringComparison.Ordinal);

        // Fixed in GesCom: CL2 changes (a newer cbReplication); CL1, older than the cycle's token, is caught up too.
        database.Execute("UPDATE dbo.F_COMPTET SET CT_Classement = N'34', cbReplication = 12 WHERE CT_Num = N'CL2';");
        object? second = database.Scalar(string.Format(System.Globalization.CultureInfo.InvariantCulture, Replicate, "11"));

        Assert.Equal("2|12", second);
        Assert.Equal("CL1:PAY1:12|CL2:PAY2:34", database.Scalar(Values));
        Assert.Equal("REPLI_acc_code_repli=12|REPLI_acc_numpayeur_repli=12", database.Scalar(Watermarks));
        Assert.Equal("success", database.Scalar("SELECT Status FROM dbo.MC_ReplicationLog WHERE ReplicationLogID = (SELECT MAX(ReplicationLogID) FROM dbo.MC_ReplicationLog);"));
    }

    [EngineFact]
    public void When_every_field_fails_alone_too_nothing_advances_and_the_error_is_raised()
    {
        using var database = Deployed();
        database.Execute("INSERT dbo.F_COMPTET (CT_Num, CT_NumPayeur, CT_Classement, cbReplication) VALUES (N'CL1', N'PAY1', N'ABC', 10);");
        database.Execute("INSERT dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_code_repli', N'[CT_Classement]'), (N'REPLI_acc_autre_repli', N'[CT_Classement]');");

        var failure = Assert.Throws<Microsoft.Data.SqlClient.SqlException>(() =>
            database.Scalar(string.Format(System.Globalization.CultureInfo.InvariantCulture, Replicate, "5")));

        Assert.Contains("a échoué pour chaque champ, repris seul", failure.Message, StringComparison.Ordinal);
        Assert.Equal("CL1::|CL2::", database.Scalar(Values));
        Assert.Equal("REPLI_acc_autre_repli=5|REPLI_acc_code_repli=5", database.Scalar(Watermarks));
        Assert.Equal("fail", database.Scalar("SELECT Status FROM dbo.MC_ReplicationLog;"));
    }

    private const string Checks =
        "SELECT STRING_AGG(CONCAT(ParameterName, N'=', CheckError), N'|') WITHIN GROUP (ORDER BY ParameterName) FROM dbo.MC_ReplicationFieldCheck WHERE ErpIntegrationID = 1;";

    [EngineFact]
    public void With_the_checks_kept_a_field_failing_at_run_time_in_a_later_cycle_is_still_compiled_and_run_alone()
    {
        using var database = Deployed();
        database.Execute("INSERT dbo.F_COMPTET (CT_Num, CT_NumPayeur, CT_Classement, cbReplication) VALUES (N'CL1', N'PAY1', N'12', 10), (N'CL2', N'PAY2', N'34', 11);");
        database.Execute("INSERT dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_numpayeur_repli', N'[CT_NumPayeur]'), (N'REPLI_acc_code_repli', N'[CT_Classement]');");
        Assert.Equal("2|11", database.Scalar(string.Format(System.Globalization.CultureInfo.InvariantCulture, Replicate, "NULL")));
        // Both compiled at the first cycle, and kept.
        Assert.Equal("REPLI_acc_code_repli=|REPLI_acc_numpayeur_repli=", database.Scalar(Checks));

        // Nothing that decides a compilation changes; CL2's code no longer converts (Msg 245 at run time).
        database.Execute("UPDATE dbo.F_COMPTET SET CT_Classement = N'ABC', CT_NumPayeur = N'PAY2B', cbReplication = 12 WHERE CT_Num = N'CL2';");
        object? second = database.Scalar(string.Format(System.Globalization.CultureInfo.InvariantCulture, Replicate, "11"));

        Assert.Equal("1|12", second);
        Assert.Equal("CL1:PAY1:12|CL2:PAY2B:34", database.Scalar(Values));
        Assert.Equal("REPLI_acc_code_repli=11|REPLI_acc_numpayeur_repli=12", database.Scalar(Watermarks));
        string message = Assert.IsType<string>(database.Scalar("SELECT TOP (1) Message FROM dbo.MC_ReplicationLog ORDER BY ReplicationLogID DESC;"));
        Assert.Contains("REPLI_acc_code_repli (erreur 245", message, StringComparison.Ordinal);
        Assert.Equal("REPLI_acc_code_repli=|REPLI_acc_numpayeur_repli=", database.Scalar(Checks));
    }

    [EngineFact]
    public void A_column_dropped_from_F_COMPTET_after_a_check_compiles_the_fields_again_and_refuses_the_one_reading_it()
    {
        using var database = Deployed();
        database.Execute("INSERT dbo.F_COMPTET (CT_Num, CT_NumPayeur, CT_Classement, cbReplication) VALUES (N'CL1', N'PAY1', N'12', 10), (N'CL2', N'PAY2', N'34', 11);");
        database.Execute("INSERT dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'REPLI_acc_numpayeur_repli', N'[CT_NumPayeur]'), (N'REPLI_acc_code_repli', N'[CT_Classement]');");
        Assert.Equal("2|11", database.Scalar(string.Format(System.Globalization.CultureInfo.InvariantCulture, Replicate, "NULL")));

        // GesCom's F_COMPTET changes (here the test's own table): its metadata, and so both fingerprints.
        database.Execute("ALTER TABLE dbo.F_COMPTET DROP COLUMN CT_Classement;");
        database.Execute("UPDATE dbo.F_COMPTET SET CT_NumPayeur = N'PAY2B', cbReplication = 12 WHERE CT_Num = N'CL2';");
        object? second = database.Scalar(string.Format(System.Globalization.CultureInfo.InvariantCulture, Replicate, "11"));

        Assert.Equal("1|12", second);
        Assert.Equal("CL1:PAY1:12|CL2:PAY2B:34", database.Scalar(Values));
        Assert.Equal("REPLI_acc_code_repli=11|REPLI_acc_numpayeur_repli=12", database.Scalar(Watermarks));
        string checks = Assert.IsType<string>(database.Scalar(Checks));
        Assert.Contains("CT_Classement", checks, StringComparison.Ordinal);
        Assert.EndsWith("|REPLI_acc_numpayeur_repli=", checks, StringComparison.Ordinal);
        Assert.Equal("warning", database.Scalar("SELECT TOP (1) Status FROM dbo.MC_ReplicationLog ORDER BY ReplicationLogID DESC;"));
    }

    private static ThrowawayDatabase Deployed()
    {
        string server = Engine.RequireConnection();
        var database = ThrowawayDatabase.Create(server);
        try
        {
            // The CRM's tables (the reference shape, database/reference/SageCrm, reduced) and a GesCom F_COMPTET.
            database.Execute("CREATE TABLE dbo.Account (Acc_AccountId int NOT NULL PRIMARY KEY, acc_erp_account_id nvarchar(17) NULL, acc_numpayeur_repli nvarchar(17) NULL, acc_code_repli int NULL, acc_autre_repli int NULL);");
            database.Execute("CREATE TABLE dbo.Custom_SysParams (Parm_ParmId int IDENTITY(1, 1) NOT NULL PRIMARY KEY, Parm_Name nvarchar(100) NULL, Parm_Value nvarchar(max) NULL, Parm_Deleted tinyint NULL);");
            database.Execute("CREATE TABLE dbo.F_COMPTET (CT_Num nvarchar(17) NOT NULL PRIMARY KEY, CT_NumPayeur nvarchar(17) NULL, CT_Classement nvarchar(17) NULL, cbReplication int NOT NULL);");
            CrmDbDeployment.Publish(database);
            database.Execute("INSERT dbo.Account (Acc_AccountId, acc_erp_account_id) VALUES (1, N'CL1'), (2, N'CL2');");
            database.Execute($"INSERT dbo.MC_Integration (ErpIntegrationID, Name, GesComServer, GesComDatabase) VALUES (1, N'Bijou', N'', N'{database.Name}');");
            return database;
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }
}
