using CrmDb.Clr;
using CrmDb.Runner.Cli;
using CrmDb.Tests.Infrastructure;
using Microsoft.Data.SqlClient;

namespace CrmDb.Tests.SysParams;

/// <summary>
/// Global parameters against a real SQL Server (CRMDB_TEST_CONNECTION; skipped otherwise):
/// CrmDb.dacpac published onto a database holding Sage's Custom_SysParams, then driven through
/// crmdb and plain SqlClient, without a transaction and inside a caller's one.
/// </summary>
public sealed class SysParamsEngineTests
{
    // The reference shape (database/reference/SageCrm), and the least the guide tells of it.
    private const string SageTable = "CREATE TABLE dbo.Custom_SysParams (Parm_ParmId int IDENTITY(1, 1) NOT NULL PRIMARY KEY, Parm_Name nvarchar(100) NULL, Parm_Value nvarchar(max) NULL, Parm_Component nvarchar(40) NULL, Parm_Deleted tinyint NULL, Parm_CreatedBy int NULL, Parm_CreatedDate datetime NULL, Parm_UpdatedBy int NULL, Parm_UpdatedDate datetime NULL, Parm_TimeStamp datetime NULL);";
    private const string MinimalTable = "CREATE TABLE dbo.Custom_SysParams (Parm_ParmId int IDENTITY(1, 1) NOT NULL PRIMARY KEY, Parm_Name nvarchar(100) NULL, Parm_Value nvarchar(max) NULL, Parm_Deleted tinyint NULL);";

    [EngineFact]
    public void Set_then_get_through_crmdb_streams_French_messages_and_records_the_change()
    {
        using var database = CrmDbDeployment.Deploy(SageTable);

        var set = CliRunner.Run("sysparam", "set", "cleanUrl", "Y", "--connection", database.ConnectionString);
        var get = CliRunner.Run("sysparam", "get", "cleanUrl", "--connection", database.ConnectionString);

        Assert.True(set.ExitCode == ExitCodes.Success, set.Out + set.Error);
        Assert.Contains("Paramètre cleanUrl créé : « Y ».", set.Out, StringComparison.Ordinal);
        Assert.Contains("Aucune procédure curative dbo.MC_apply_param_cleanUrl", set.Out, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, get.ExitCode);
        Assert.Equal("Y", get.Out.TrimEnd());
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM dbo.Custom_SysParams WHERE Parm_Name = N'cleanUrl' AND Parm_Deleted IS NULL AND Parm_CreatedDate IS NOT NULL AND Parm_UpdatedDate IS NOT NULL;"));
        Assert.Equal("success", database.Scalar("SELECT Outcome FROM dbo.MC_SysParamAudit WHERE ParamName = N'cleanUrl' AND Action = N'insert' AND LoginName = ORIGINAL_LOGIN();"));
    }

    [EngineFact]
    public void Sage_table_without_its_audit_columns_is_written_all_the_same()
    {
        using var database = CrmDbDeployment.Deploy(MinimalTable);
        database.Execute("INSERT dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'cleanUrl', N'N');");

        var set = CliRunner.Run("sysparam", "set", "cleanUrl", "Y", "--connection", database.ConnectionString);

        Assert.True(set.ExitCode == ExitCodes.Success, set.Out + set.Error);
        Assert.Contains("ancienne valeur « N », nouvelle valeur « Y »", set.Out, StringComparison.Ordinal);
        Assert.Equal("Y", database.Scalar("SELECT dbo.MC_getsysparam(N'cleanUrl');"));
    }

    [EngineFact]
    public void Get_of_an_absent_parameter_exits_1_and_says_so()
    {
        using var database = CrmDbDeployment.Deploy(SageTable);

        var get = CliRunner.Run("sysparam", "get", "nothingHere", "--connection", database.ConnectionString, "--lang", "en");

        Assert.Equal(ExitCodes.ProcessingErrors, get.ExitCode);
        Assert.Contains("Parameter nothingHere does not exist", get.Error, StringComparison.Ordinal);
        Assert.Empty(get.Out);
    }

    [EngineFact]
    public void Modules_9_fails_keeps_the_old_value_and_the_failure_is_audited()
    {
        using var database = CrmDbDeployment.Deploy(SageTable);

        var duo = CliRunner.Run("modules", "set", "sales,service", "--connection", database.ConnectionString);
        var shown = CliRunner.Run("modules", "--connection", database.ConnectionString);
        var nine = CliRunner.Run("sysparam", "set", "MC_modules", "9", "--connection", database.ConnectionString);

        Assert.True(duo.ExitCode == ExitCodes.Success, duo.Out + duo.Error);
        Assert.Contains("Modules Sage 100c CRM : 3 = Duo", duo.Out, StringComparison.Ordinal);
        Assert.Contains("MC_modules = 3 (sales,service) : édition Duo", shown.Out, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.ProcessingErrors, nine.ExitCode);
        Assert.Contains("dbo.MC_apply_param_MC_modules", nine.Error, StringComparison.Ordinal);
        Assert.Contains("« 9 » refusé", nine.Error, StringComparison.Ordinal);
        Assert.Contains("MC_modules garde la valeur « 3 »", nine.Error, StringComparison.Ordinal);
        Assert.Equal("3", database.Scalar("SELECT dbo.MC_getsysparam(N'MC_modules');"));
        Assert.Equal(3, database.Scalar("SELECT dbo.MC_modules();"));
        Assert.Equal(true, database.Scalar("SELECT dbo.MC_hasmodule(2);"));
        // No caller's transaction: the failure row was written after the rollback, and stays.
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM dbo.MC_SysParamAudit WHERE ParamName = N'MC_modules' AND NewValue = N'9' AND Outcome = N'failed' AND CurativeProcedure = N'MC_apply_param_MC_modules';"));
        Assert.Equal(0, database.Scalar("SELECT @@TRANCOUNT;"));
    }

    [EngineFact]
    public void A_curative_error_that_dooms_the_transaction_keeps_nothing()
    {
        using var database = CrmDbDeployment.Deploy(SageTable);
        database.Execute("INSERT dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'cleanUrl', N'N');");
        database.Execute("CREATE TABLE dbo.CurativeWork (Id int NOT NULL);");
        // Writes, then fails on a conversion error, which XACT_ABORT turns into a doomed transaction.
        database.Execute("CREATE PROCEDURE dbo.MC_apply_param_cleanurl @value nvarchar(max) AS BEGIN INSERT dbo.CurativeWork (Id) VALUES (1); DECLARE @n int = CONVERT(int, @value); END;");

        var set = CliRunner.Run("sysparam", "set", "cleanUrl", "Y", "--connection", database.ConnectionString);

        Assert.Equal(ExitCodes.ProcessingErrors, set.ExitCode);
        Assert.Contains("Échec de la procédure curative dbo.MC_apply_param_cleanurl pour cleanUrl", set.Error, StringComparison.Ordinal);
        Assert.Contains("[erreur 245", set.Error, StringComparison.Ordinal);
        Assert.Equal("N", database.Scalar("SELECT dbo.MC_getsysparam(N'cleanUrl');"));
        Assert.Equal(0, database.Scalar("SELECT COUNT(*) FROM dbo.CurativeWork;"));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM dbo.MC_SysParamAudit WHERE Outcome = N'failed';"));
    }

    [EngineFact]
    public void Inside_a_callers_transaction_a_failed_curative_leaves_the_callers_work_and_transaction()
    {
        using var database = CrmDbDeployment.Deploy(SageTable);
        database.Execute("INSERT dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'cleanUrl', N'N');");
        database.Execute("CREATE PROCEDURE dbo.MC_apply_param_CleanUrl @value nvarchar(max) AS BEGIN RAISERROR(N'IIS absent', 16, 1); RETURN 1; END;");

        using (var connection = new SqlConnection(database.ConnectionString))
        {
            connection.Open();
            using var transaction = connection.BeginTransaction();
            Run(connection, transaction, "INSERT dbo.MC_Integration (ErpIntegrationID, Name, GesComDatabase) VALUES (1, N'caller', N'BIJOU');");

            var error = Assert.Throws<SqlException>(() => Run(connection, transaction, "EXEC dbo.MC_setsysparams @name = N'cleanUrl', @value = N'Y';"));
            var state = Run(connection, transaction, "SELECT CONCAT(@@TRANCOUNT, ',', XACT_STATE());");
            transaction.Commit();

            Assert.Contains("IIS absent", error.Message, StringComparison.Ordinal);
            Assert.Contains("point de sauvegarde", error.Message, StringComparison.Ordinal);
            Assert.Equal("1,1", state);
        }

        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM dbo.MC_Integration WHERE Name = N'caller';"));
        Assert.Equal("N", database.Scalar("SELECT dbo.MC_getsysparam(N'cleanUrl');"));
        // Written in the caller's transaction, which committed.
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM dbo.MC_SysParamAudit WHERE Outcome = N'failed' AND ErrorMessage = N'IIS absent';"));
    }

    [EngineFact]
    public void Inside_a_callers_transaction_a_curative_that_dooms_it_is_reported_and_only_a_rollback_remains()
    {
        using var database = CrmDbDeployment.Deploy(SageTable);
        database.Execute("INSERT dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'cleanUrl', N'N');");
        // THROW under XACT_ABORT dooms the caller's transaction: nothing can be undone partially.
        database.Execute("CREATE PROCEDURE dbo.MC_apply_param_cleanurl @value nvarchar(max) AS BEGIN SET XACT_ABORT ON; THROW 50042, N'panne voulue', 1; END;");

        // One batch: the engine rolls a doomed transaction back when the batch that doomed it ends,
        // so the state is read, and the rollback done, in the caller's own CATCH.
        var outcome = database.Scalar("""
            BEGIN TRANSACTION;
            INSERT dbo.MC_Integration (ErpIntegrationID, Name, GesComDatabase) VALUES (1, N'caller', N'BIJOU');
            DECLARE @Outcome nvarchar(max);
            BEGIN TRY
                EXEC dbo.MC_setsysparams @name = N'cleanUrl', @value = N'Y';
            END TRY
            BEGIN CATCH
                SET @Outcome = CONCAT(@@TRANCOUNT, N',', XACT_STATE(), N'|', ERROR_MESSAGE());
            END CATCH;
            IF XACT_STATE() <> 0
                ROLLBACK TRANSACTION;
            SELECT @Outcome;
            """) as string;

        Assert.NotNull(outcome);
        Assert.StartsWith("1,-1|", outcome, StringComparison.Ordinal);
        Assert.Contains("panne voulue", outcome, StringComparison.Ordinal);
        Assert.Contains("XACT_STATE() = -1", outcome, StringComparison.Ordinal);
        Assert.Equal(0, database.Scalar("SELECT COUNT(*) FROM dbo.MC_Integration;"));
        Assert.Equal("N", database.Scalar("SELECT dbo.MC_getsysparam(N'cleanUrl');"));
    }

    [EngineFact]
    public void A_curative_that_commits_the_transaction_it_was_given_is_reported_and_audited_as_such()
    {
        using var database = CrmDbDeployment.Deploy(SageTable);
        database.Execute("INSERT dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'cleanUrl', N'N');");
        database.Execute("CREATE PROCEDURE dbo.MC_apply_param_cleanurl @value nvarchar(max) AS BEGIN COMMIT TRANSACTION; END;");

        var set = CliRunner.Run("sysparam", "set", "cleanUrl", "Y", "--connection", database.ConnectionString);

        Assert.Equal(ExitCodes.ProcessingErrors, set.ExitCode);
        Assert.Contains("a validé (COMMIT) la transaction qu'elle avait reçue : la nouvelle valeur et ce qu'elle a écrit sont conservés", set.Error, StringComparison.Ordinal);
        // What it did, not what the procedure meant to do: the value is kept.
        Assert.Equal("Y", database.Scalar("SELECT dbo.MC_getsysparam(N'cleanUrl');"));
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM dbo.MC_SysParamAudit WHERE Outcome = N'failed' AND ErrorMessage LIKE N'%validé (COMMIT)%';"));
    }

    [EngineFact]
    public void Inside_a_callers_transaction_the_callers_rollback_takes_the_change_back()
    {
        using var database = CrmDbDeployment.Deploy(SageTable);

        using (var connection = new SqlConnection(database.ConnectionString))
        {
            connection.Open();
            using var transaction = connection.BeginTransaction();
            Run(connection, transaction, "EXEC dbo.MC_setsysparams @name = N'cleanUrl', @value = N'Y';");
            Assert.Equal("1", Run(connection, transaction, "SELECT CONVERT(nvarchar(10), @@TRANCOUNT);"));
            transaction.Rollback();
        }

        Assert.Equal(DBNull.Value, database.Scalar("SELECT dbo.MC_getsysparam(N'cleanUrl');"));
        Assert.Equal(0, database.Scalar("SELECT COUNT(*) FROM dbo.MC_SysParamAudit;"));
    }

    [EngineFact]
    public void Integrators_need_EXECUTE_on_MC_setsysparams_and_on_the_curative_and_support_cannot_set()
    {
        using var database = CrmDbDeployment.Deploy(SageTable);
        database.Execute("CREATE TABLE dbo.CurativeWork (Value nvarchar(100) NOT NULL);");
        database.Execute("CREATE PROCEDURE dbo.MC_apply_param_cleanurl @value nvarchar(max) AS INSERT dbo.CurativeWork (Value) VALUES (@value);");
        // A curative runs with the caller's rights (issue 14): the curative scaffold grants this.
        database.Execute("GRANT EXECUTE ON OBJECT::dbo.MC_apply_param_cleanurl TO [MC_integrator];");
        database.Execute("CREATE USER crmdb_integrator WITHOUT LOGIN; ALTER ROLE MC_integrator ADD MEMBER crmdb_integrator;");
        database.Execute("CREATE USER crmdb_support WITHOUT LOGIN; ALTER ROLE MC_support ADD MEMBER crmdb_support;");

        database.Execute("EXECUTE AS USER = N'crmdb_integrator'; EXEC dbo.MC_setsysparams @name = N'cleanUrl', @value = N'Y'; REVERT;");
        var support = Assert.Throws<SqlException>(() =>
            database.Execute("EXECUTE AS USER = N'crmdb_support'; EXEC dbo.MC_setsysparams @name = N'cleanUrl', @value = N'N'; REVERT;"));
        object? supportReads = database.Scalar("EXECUTE AS USER = N'crmdb_support'; SELECT dbo.MC_getsysparam(N'cleanUrl'); REVERT;");
        object? supportEdition = database.Scalar("EXECUTE AS USER = N'crmdb_support'; SELECT dbo.MC_moduleedition(3); REVERT;");

        Assert.Equal("Y", database.Scalar("SELECT Value FROM dbo.CurativeWork;"));
        Assert.Equal(229, support.Number);
        Assert.Equal("Y", supportReads);
        Assert.Equal("Duo", supportEdition);
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM dbo.MC_SysParamAudit WHERE LoginName = ORIGINAL_LOGIN() AND Outcome = N'success';"));
    }

    [EngineFact]
    public void Under_a_case_sensitive_collation_the_curative_is_found_ignoring_case_and_must_be_unique()
    {
        using var database = CrmDbDeployment.Deploy(SageTable, "Latin1_General_CS_AS");
        database.Execute("CREATE TABLE dbo.CurativeWork (Value nvarchar(100) NOT NULL);");
        database.Execute("CREATE PROCEDURE dbo.MC_apply_param_cleanurl @VALUE nvarchar(max) AS INSERT dbo.CurativeWork (Value) VALUES (@VALUE);");

        var once = CliRunner.Run("sysparam", "set", "cleanUrl", "Y", "--connection", database.ConnectionString);
        database.Execute("CREATE PROCEDURE dbo.MC_apply_param_CleanUrl @value nvarchar(max) AS RETURN 0;");
        var ambiguous = CliRunner.Run("sysparam", "set", "cleanUrl", "N", "--connection", database.ConnectionString);

        Assert.True(once.ExitCode == ExitCodes.Success, once.Out + once.Error);
        Assert.Equal("Y", database.Scalar("SELECT Value FROM dbo.CurativeWork;"));
        Assert.Equal(ExitCodes.ProcessingErrors, ambiguous.ExitCode);
        // Listed in binary order of their names.
        Assert.Contains("[MC_apply_param_CleanUrl], [MC_apply_param_cleanurl]", ambiguous.Error, StringComparison.Ordinal);
        Assert.Equal("Y", database.Scalar("SELECT dbo.MC_getsysparam(N'cleanUrl');"));
    }

    [EngineFact]
    public void MC_modules_reads_stored_text_with_the_rule_of_the_shared_CSharp_code()
    {
        using var database = CrmDbDeployment.Deploy(SageTable);
        string[] stored = ["0", "3", "7", "07", "8", "9", "-1", "+3", " 3", "3 ", "", "trois", "3.0", "\uFF13", "99999999999999"];

        foreach (string text in stored)
        {
            database.Execute("DELETE dbo.Custom_SysParams; INSERT dbo.Custom_SysParams (Parm_Name, Parm_Value) VALUES (N'MC_modules', N'" + text.Replace("'", "''", StringComparison.Ordinal) + "');");
            object? read = database.Scalar("SELECT dbo.MC_modules();");
            object expected = Modules.TryParseValue(text, out int flags) ? flags : DBNull.Value;

            Assert.True(Equals(expected, read), $"'{text}': C# {expected}, T-SQL {read}");
        }
    }

    private static string? Run(SqlConnection connection, SqlTransaction transaction, string sql)
    {
        using var command = new SqlCommand(sql, connection, transaction);
        return command.ExecuteScalar() as string;
    }
}
