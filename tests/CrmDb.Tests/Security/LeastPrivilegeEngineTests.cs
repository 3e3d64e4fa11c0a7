using CrmDb.Runner.Cli;
using CrmDb.Tests.Infrastructure;
using Microsoft.Data.SqlClient;

namespace CrmDb.Tests.Security;

/// <summary>
/// Issue 14 against a real SQL Server (CRMDB_TEST_CONNECTION; skipped otherwise): CrmDb.dacpac
/// published onto a throwaway database, then a loginless member of each role (EXECUTE AS USER,
/// database-scoped as the roles are) tries each escalation the issue lists. Module signing works
/// under EXECUTE AS USER: the certificate's user is added to the impersonated token.
/// </summary>
public sealed class LeastPrivilegeEngineTests
{
    private const string SageTable = "CREATE TABLE dbo.Custom_SysParams (Parm_ParmId int IDENTITY(1, 1) NOT NULL PRIMARY KEY, Parm_Name nvarchar(100) NULL, Parm_Value nvarchar(max) NULL, Parm_Deleted tinyint NULL, Parm_UpdatedDate datetime NULL);";

    [EngineFact]
    public void The_publish_signs_the_procedures_and_keeps_no_private_key()
    {
        using var database = CrmDbDeployment.Deploy(SageTable);

        Assert.Equal(3, database.Scalar(
            "SELECT COUNT(*) FROM sys.crypt_properties AS cp JOIN sys.certificates AS c ON c.thumbprint = cp.thumbprint "
            + "WHERE cp.crypt_type = 'SPVC' AND OBJECT_NAME(cp.major_id) IN (N'MC_setsysparams', N'MC_runautosync', N'MC_listautosync');"));
        // The trace is not signed: its gate for a real cycle must answer for the caller alone.
        Assert.Equal(0, database.Scalar("SELECT COUNT(*) FROM sys.crypt_properties WHERE major_id = OBJECT_ID(N'dbo.MC_traceautosync');"));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM sys.crypt_properties WHERE crypt_type = 'CPVC' AND major_id = OBJECT_ID(N'dbo.MC_runautosyncstep');"));
        Assert.Equal(0, database.Scalar("SELECT COUNT(*) FROM sys.certificates WHERE name LIKE N'MC[_]%Signing' AND pvt_key_encryption_type <> 'NA';"));
        Assert.Equal(2, database.Scalar("SELECT COUNT(*) FROM sys.certificates WHERE name IN (N'MC_SysParamsSigning', N'MC_AutosyncSigning');"));
    }

    [EngineFact]
    public void A_second_publish_signs_again_with_new_certificates()
    {
        using var database = CrmDbDeployment.Deploy(SageTable);
        object? first = database.Scalar("SELECT CONVERT(nvarchar(100), thumbprint, 1) FROM sys.certificates WHERE name = N'MC_SysParamsSigning';");
        // An ALTER drops the signature, as a publish that changes the procedure does.
        database.Execute("DECLARE @d nvarchar(max) = REPLACE(OBJECT_DEFINITION(OBJECT_ID(N'dbo.MC_setsysparams')), N'CREATE PROCEDURE', N'ALTER PROCEDURE'); EXEC sys.sp_executesql @d;");
        Assert.Equal(0, database.Scalar("SELECT COUNT(*) FROM sys.crypt_properties WHERE major_id = OBJECT_ID(N'dbo.MC_setsysparams');"));

        CrmDbDeployment.Publish(database);

        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM sys.crypt_properties WHERE crypt_type = 'SPVC' AND major_id = OBJECT_ID(N'dbo.MC_setsysparams');"));
        Assert.NotEqual(first, database.Scalar("SELECT CONVERT(nvarchar(100), thumbprint, 1) FROM sys.certificates WHERE name = N'MC_SysParamsSigning';"));
    }

    [EngineFact]
    public void A_curative_runs_with_the_callers_rights_so_no_integrator_becomes_dbo()
    {
        using var database = CrmDbDeployment.Deploy(SageTable);
        Members(database);
        // What anyone who may create a procedure in dbo could write: become db_owner through the curative.
        database.Execute("CREATE PROCEDURE dbo.MC_apply_param_escalate AS EXEC sys.sp_executesql N'ALTER ROLE db_owner ADD MEMBER crmdb_integrator;';");
        database.Execute("GRANT EXECUTE ON OBJECT::dbo.MC_apply_param_escalate TO [MC_integrator];");

        var refused = Assert.Throws<SqlException>(() => database.Execute("EXECUTE AS USER = N'crmdb_integrator'; EXEC dbo.MC_setsysparams @name = N'escalate', @value = N'1'; REVERT;"));

        Assert.Contains("MC_apply_param_escalate", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, database.Scalar("SELECT IS_ROLEMEMBER(N'db_owner', N'crmdb_integrator');"));
        Assert.Equal(0, database.Scalar("SELECT COUNT(*) FROM dbo.Custom_SysParams WHERE Parm_Name = N'escalate';"));
    }

    [EngineFact]
    public void A_curative_without_a_grant_to_the_caller_is_refused_and_nothing_is_kept()
    {
        using var database = CrmDbDeployment.Deploy(SageTable);
        Members(database);
        database.Execute("CREATE PROCEDURE dbo.MC_apply_param_cleanurl AS RETURN 0;");

        var refused = Assert.Throws<SqlException>(() => database.Execute("EXECUTE AS USER = N'crmdb_integrator'; EXEC dbo.MC_setsysparams @name = N'cleanUrl', @value = N'Y'; REVERT;"));
        database.Execute("GRANT EXECUTE ON OBJECT::dbo.MC_apply_param_cleanurl TO [MC_integrator];");
        database.Execute("EXECUTE AS USER = N'crmdb_integrator'; EXEC dbo.MC_setsysparams @name = N'cleanUrl', @value = N'Y'; REVERT;");

        Assert.Contains("MC_apply_param_cleanurl", refused.Message, StringComparison.Ordinal);
        // The signature let the integrator write Sage's table (and its audit columns) without any right on it.
        Assert.Equal("Y", database.Scalar("SELECT Parm_Value FROM dbo.Custom_SysParams WHERE Parm_Name = N'cleanUrl';"));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM dbo.Custom_SysParams WHERE Parm_Name = N'cleanUrl' AND Parm_UpdatedDate IS NOT NULL;"));
        Assert.Throws<SqlException>(() => database.Execute("EXECUTE AS USER = N'crmdb_integrator'; UPDATE dbo.Custom_SysParams SET Parm_Value = N'N'; REVERT;"));
    }

    [EngineFact]
    public void A_REPLI_value_that_reads_more_than_GesCom_is_refused_at_declaration_and_at_replication_time()
    {
        using var database = CrmDbDeployment.Deploy(SageTable);
        Members(database);

        var refused = Assert.Throws<SqlException>(() => database.Execute(
            "EXECUTE AS USER = N'crmdb_integrator'; EXEC dbo.MC_setsysparams @name = N'REPLI_acc_logins_repli', @value = N'(SELECT TOP (1) name FROM sys.sql_logins)'; REVERT;"));

        Assert.Contains("sys.sql_logins", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, database.Scalar("SELECT COUNT(*) FROM dbo.Custom_SysParams WHERE Parm_Name = N'REPLI_acc_logins_repli';"));
        // The check MC_replicate repeats, with the allow-list seeded by the publish.
        Assert.Equal("dbo.FCT_condpaiement", database.Scalar("SELECT dbo.MC_replicationfunctions();"));
        Assert.Equal(DBNull.Value, database.Scalar("SELECT dbo.MC_replivalueproblem(N'dbo.FCT_condpaiement(CT_Num)', dbo.MC_replicationfunctions());"));
        Assert.IsType<string>(database.Scalar("SELECT dbo.MC_replivalueproblem(N'(SELECT TOP (1) U.User_Logon FROM dbo.Users AS U)', dbo.MC_replicationfunctions());"));
        // Only a DBA changes the allow-list and the secret markers.
        Assert.Throws<SqlException>(() => database.Execute("EXECUTE AS USER = N'crmdb_integrator'; INSERT dbo.MC_ReplicationFunction (FunctionName) VALUES (N'sys.fn_x'); REVERT;"));
        Assert.Throws<SqlException>(() => database.Execute("EXECUTE AS USER = N'crmdb_integrator'; DELETE dbo.MC_SecretName; REVERT;"));
    }

    [EngineFact]
    public void Support_runs_no_hook_directly_but_traces_it()
    {
        using var database = CrmDbDeployment.Deploy(SageTable);
        Members(database);
        database.Execute("INSERT dbo.MC_Integration (ErpIntegrationID, Name, GesComDatabase) VALUES (1, N'Bijou', N'GESCOM');");
        database.Execute("CREATE PROCEDURE dbo.AUTOSYNC_0100_probe AS EXEC dbo.MC_print @Message = N'probe ran';");
        database.Execute("GRANT EXECUTE, VIEW DEFINITION ON OBJECT::dbo.AUTOSYNC_0100_probe TO [MC_integrator];");

        var direct = Assert.Throws<SqlException>(() => database.Execute("EXECUTE AS USER = N'crmdb_support'; EXEC dbo.AUTOSYNC_0100_probe; REVERT;"));
        string traced = Messages(database, "EXECUTE AS USER = N'crmdb_support'; EXEC dbo.MC_traceautosync @ErpIntegrationID = 1; REVERT;");
        string listed = Messages(database, "EXECUTE AS USER = N'crmdb_support'; EXEC dbo.MC_listautosync @ErpIntegrationID = 1; REVERT;");

        var real = Assert.Throws<SqlException>(() => database.Execute("EXECUTE AS USER = N'crmdb_support'; EXEC dbo.MC_traceautosync @ErpIntegrationID = 1, @Rollback = 0; REVERT;"));

        Assert.Equal(229, direct.Number);
        Assert.Contains("probe ran", traced, StringComparison.Ordinal);
        Assert.Contains("AUTOSYNC_0100_probe", listed, StringComparison.Ordinal);
        // Support cannot turn a trace into a real cycle.
        Assert.Contains("@Rollback = 0", real.Message, StringComparison.Ordinal);
        Assert.Equal(0, database.Scalar("SELECT COUNT(*) FROM dbo.MC_AutosyncRun WHERE IsSimulation = 0;"));
    }

    [EngineFact]
    public void A_publish_lists_hooks_that_still_grant_support_and_leaves_them_as_they_are()
    {
        using var database = CrmDbDeployment.Deploy(SageTable);
        database.Execute("CREATE PROCEDURE dbo.AUTOSYNC_0100_old AS RETURN 0;");
        database.Execute("GRANT EXECUTE, VIEW DEFINITION ON OBJECT::dbo.AUTOSYNC_0100_old TO [MC_support];");

        string output = CrmDbDeployment.Publish(database);

        Assert.Contains("[dbo].[AUTOSYNC_0100_old] accorde encore des droits à MC_support", output, StringComparison.Ordinal);
        Assert.Equal(2, database.Scalar("SELECT COUNT(*) FROM sys.database_permissions WHERE major_id = OBJECT_ID(N'dbo.AUTOSYNC_0100_old') AND grantee_principal_id = DATABASE_PRINCIPAL_ID(N'MC_support');"));
    }

    [EngineFact]
    public void Secret_parameters_are_masked_for_both_roles_on_every_reading_path()
    {
        using var database = CrmDbDeployment.Deploy(SageTable);
        Members(database);
        database.Execute("EXEC dbo.MC_setsysparams @name = N'Smtp_Password', @value = N'hunter2'; EXEC dbo.MC_setsysparams @name = N'Smtp_Password', @value = N'hunter3';");
        database.Execute("EXEC dbo.MC_setsysparams @name = N'Erp_SmtpKey', @value = N'k-123'; INSERT dbo.MC_SecretName (Marker) VALUES (N'smtpkey');");

        foreach (string user in new[] { "crmdb_integrator", "crmdb_support" })
        {
            Assert.Equal("********", database.Scalar($"EXECUTE AS USER = N'{user}'; SELECT dbo.MC_getsysparam(N'Smtp_Password'); REVERT;"));
            Assert.Equal("********", database.Scalar($"EXECUTE AS USER = N'{user}'; SELECT dbo.MC_getsysparam(N'Erp_SmtpKey'); REVERT;"));
            Assert.Equal(0, database.Scalar($"EXECUTE AS USER = N'{user}'; SELECT COUNT(*) FROM dbo.MC_SysParamAuditMasked WHERE OldValue LIKE N'%hunter%' OR NewValue LIKE N'%hunter%' OR NewValue = N'k-123'; REVERT;"));
            Assert.Equal(3, database.Scalar($"EXECUTE AS USER = N'{user}'; SELECT COUNT(*) FROM dbo.MC_SysParamAuditMasked; REVERT;"));
            Assert.Throws<SqlException>(() => database.Scalar($"EXECUTE AS USER = N'{user}'; SELECT COUNT(*) FROM dbo.MC_SysParamAudit; REVERT;"));
        }

        string messages = Messages(database, "EXECUTE AS USER = N'crmdb_integrator'; EXEC dbo.MC_setsysparams @name = N'Smtp_Password', @value = N'hunter4'; REVERT;");
        Assert.DoesNotContain("hunter", messages, StringComparison.Ordinal);
        Assert.Contains("********", messages, StringComparison.Ordinal);
        // db_owner still reads the value.
        Assert.Equal("hunter4", database.Scalar("SELECT dbo.MC_getsysparam(N'Smtp_Password');"));
    }

    private static void Members(ThrowawayDatabase database)
    {
        database.Execute("CREATE USER crmdb_integrator WITHOUT LOGIN; ALTER ROLE MC_integrator ADD MEMBER crmdb_integrator;");
        database.Execute("CREATE USER crmdb_support WITHOUT LOGIN; ALTER ROLE MC_support ADD MEMBER crmdb_support;");
    }

    /// <summary>The informational messages (PRINT, RAISERROR severity 0) of <paramref name="sql"/>.</summary>
    private static string Messages(ThrowawayDatabase database, string sql)
    {
        var messages = new System.Text.StringBuilder();
        using var connection = new SqlConnection(database.ConnectionString);
        connection.InfoMessage += (_, e) => messages.AppendLine(e.Message);
        connection.Open();
        using var command = new SqlCommand(sql, connection);
        command.ExecuteNonQuery();
        return messages.ToString();
    }
}
