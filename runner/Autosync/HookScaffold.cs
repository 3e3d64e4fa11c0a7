using System.Globalization;
using System.Text;
using CrmDb.Clr.Autosync;

namespace CrmDb.Runner.Autosync;

/// <summary>
/// The text of a new, conforming AUTOSYNC hook (crmdb autosync new): header, the four contract
/// parameters, a statement passed through dbo.MC_execsql, error handling, and the grants the
/// runner's sp_executesql call needs.
/// </summary>
public static class HookScaffold
{
    /// <summary>The longest procedure name SQL Server accepts.</summary>
    public const int MaxNameLength = 128;

    /// <summary>AUTOSYNC_&lt;order&gt;_&lt;label&gt;.</summary>
    public static string ProcedureName(string order, string label) => HookContract.Prefix + order + "_" + label;

    /// <summary>The file the procedure is written to.</summary>
    public static string FileName(string order, string label) => ProcedureName(order, label) + ".sql";

    /// <summary>
    /// Why <paramref name="order"/> and <paramref name="label"/> cannot name a hook (a resource
    /// key of Autosync.resx), or null when they can.
    /// </summary>
    public static string? Problem(string? order, string? label)
    {
        if (!HookName.IsOrder(order))
        {
            return "NewOrderInvalid";
        }

        if (!HookName.IsLabel(label))
        {
            return "NewLabelInvalid";
        }

        return ProcedureName(order!, label!).Length > MaxNameLength ? "NewNameTooLong" : null;
    }

    /// <summary>The script creating the hook (two batches of grants after it).</summary>
    public static string Build(string order, string label, DateTime date)
    {
        string? problem = Problem(order, label);
        if (problem != null)
        {
            throw new ArgumentException($"Not a hook name: order '{order}', label '{label}' ({problem}).");
        }

        string name = ProcedureName(order, label);
        string day = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var s = new StringBuilder();
        s.Append("/*\n");
        s.Append(name).Append(": <what this hook does, and for whom>.\n");
        s.Append('\n');
        s.Append("Called by dbo.MC_runautosync at the end of every synchronisation cycle of an active integration,\n");
        s.Append("in numeric order (").Append(order).Append("), then by label, each hook in its own transaction: an error\n");
        s.Append("rolls back this procedure alone, is recorded, and the cycle goes on with the next hook.\n");
        s.Append("dbo.MC_traceautosync runs it as a simulation, rolled back at its end: it then does not see\n");
        s.Append("the changes of the hooks before it.\n");
        s.Append('\n');
        s.Append("Parameters (bound by name: keep only those you use, with these types)\n");
        s.Append("    @ErpIntegrationID int            the integration whose cycle ended (dbo.MC_Integration)\n");
        s.Append("    @ErpSyncStatus    nvarchar(10)   success, fail or warning\n");
        s.Append("    @GesComBaseInt    nvarchar(300)  [server].[database], or [database], of its Gestion commerciale\n");
        s.Append("    @tokenAccount     int            tiers (F_COMPTET) with cbReplication >= @tokenAccount changed\n");
        s.Append("Any other parameter must have a default value.\n");
        s.Append('\n');
        s.Append("Check and trace\n");
        s.Append("    EXEC dbo.MC_listautosync;                          -- conforming, and in which order\n");
        s.Append("    EXEC dbo.MC_traceautosync @ErpIntegrationID = 1;   -- a simulated cycle, rolled back\n");
        s.Append('\n');
        s.Append("Version 1.0.0, ").Append(day).Append('\n');
        s.Append("*/\n");
        s.Append("CREATE PROCEDURE dbo.").Append(name).Append('\n');
        s.Append("    @ErpIntegrationID int,\n");
        s.Append("    @ErpSyncStatus    nvarchar(10),\n");
        s.Append("    @GesComBaseInt    nvarchar(300),\n");
        s.Append("    @tokenAccount     int\n");
        s.Append("AS\n");
        s.Append("BEGIN\n");
        s.Append("    SET NOCOUNT ON;\n");
        s.Append("    SET XACT_ABORT ON;\n");
        s.Append('\n');
        s.Append("    -- After a failed cycle the GesCom data may be partial: nothing to do.\n");
        s.Append("    IF @ErpSyncStatus = N'fail'\n");
        s.Append("        RETURN 0;\n");
        s.Append('\n');
        s.Append("    BEGIN TRY\n");
        s.Append("        -- Every statement that reads GesCom goes through dbo.MC_execsql: it expands #F_<TABLE>#\n");
        s.Append("        -- and #P_<TABLE># for this integration, runs the statement with its parameters (values\n");
        s.Append("        -- never in the text), journals it and prints it in traces. Compare GesCom keys with an\n");
        s.Append("        -- explicit COLLATE. Replace this example (the tiers changed in this cycle), for instance:\n");
        s.Append("        --   UPDATE A SET A.acc_numpayeur_repli = G.CT_NumPayeur\n");
        s.Append("        --   FROM dbo.Account AS A\n");
        s.Append("        --   JOIN #F_COMPTET# AS G ON G.CT_Num COLLATE DATABASE_DEFAULT = A.acc_erp_account_id\n");
        s.Append("        --   WHERE G.cbReplication >= @since;\n");
        s.Append("        EXEC dbo.MC_execsql\n");
        s.Append("            @Statement  = N'SELECT G.CT_Num, G.CT_Intitule INTO #changed FROM #F_COMPTET# AS G WHERE G.cbReplication >= @since;',\n");
        s.Append("            @Parameters = N'@since int',\n");
        s.Append("            @Value1     = @tokenAccount,\n");
        s.Append("            @Label      = N'").Append(name).Append(" : tiers modifiés';\n");
        s.Append("    END TRY\n");
        s.Append("    BEGIN CATCH\n");
        s.Append("        -- Say where it failed, then raise the error again: the runner rolls this procedure\n");
        s.Append("        -- back, records the error and goes on with the next hook.\n");
        s.Append("        DECLARE @Message nvarchar(2048) = CONCAT(N'").Append(name)
            .Append(" : erreur ', ERROR_NUMBER(), N', ligne ', ERROR_LINE(), N' : ', ERROR_MESSAGE());\n");
        s.Append("        EXEC dbo.MC_print @Message = @Message;\n");
        s.Append("        THROW;\n");
        s.Append("    END CATCH;\n");
        s.Append('\n');
        s.Append("    RETURN 0;\n");
        s.Append("END;\n");
        s.Append("GO\n");
        s.Append('\n');
        s.Append("-- Cycles and traces run the hook through signed procedures (docs/security.md): no role needs a\n");
        s.Append("-- grant for that. Integrators may run it by hand while they write it. MC_support gets nothing:\n");
        s.Append("-- support traces cycles, it never runs a hook outside a trace and its rollback.\n");
        s.Append("GRANT EXECUTE, VIEW DEFINITION ON OBJECT::dbo.").Append(name).Append(" TO [MC_integrator];\n");
        s.Append("GO\n");
        return s.ToString();
    }

    /// <summary>
    /// The script creating the curative procedure dbo.MC_apply_param_&lt;name&gt; of a global parameter
    /// (docs/sysparams.md). dbo.MC_setsysparams runs it with its caller's rights (no EXECUTE AS), so the
    /// script grants EXECUTE on it to MC_integrator, who sets parameters.
    /// </summary>
    public static string BuildCurative(string parameterName, DateTime date)
    {
        if (CrmDb.Clr.SysParamName.Check(parameterName, out _) != CrmDb.Clr.SysParamNameProblem.None)
        {
            throw new ArgumentException($"Not a parameter name: '{parameterName}'.", nameof(parameterName));
        }

        string name = "MC_apply_param_" + parameterName;
        string day = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var s = new StringBuilder();
        s.Append("/*\n");
        s.Append(name).Append(": the curative procedure of the global parameter ").Append(parameterName).Append(".\n");
        s.Append("dbo.MC_setsysparams runs it after writing the parameter, in the same transaction, with the\n");
        s.Append("caller's rights: it can do what its caller can, nothing more (docs/security.md).\n");
        s.Append("Fail with an error or a non-zero return code; never COMMIT or ROLLBACK here.\n");
        s.Append('\n');
        s.Append("Version 1.0.0, ").Append(day).Append('\n');
        s.Append("*/\n");
        s.Append("CREATE OR ALTER PROCEDURE dbo.").Append(name).Append('\n');
        s.Append("    @name           nvarchar(max) = NULL,\n");
        s.Append("    @value          nvarchar(max) = NULL,\n");
        s.Append("    @previous_value nvarchar(max) = NULL\n");
        s.Append("AS\n");
        s.Append("BEGIN\n");
        s.Append("    SET NOCOUNT ON;\n");
        s.Append("    SET XACT_ABORT ON;\n");
        s.Append('\n');
        s.Append("    -- <what the new value needs done>\n");
        s.Append("    RETURN 0;\n");
        s.Append("END;\n");
        s.Append("GO\n");
        s.Append('\n');
        s.Append("-- MC_setsysparams runs this procedure with its caller's rights: whoever sets the parameter needs EXECUTE on it.\n");
        s.Append("GRANT EXECUTE ON OBJECT::dbo.").Append(name).Append(" TO [MC_integrator];\n");
        s.Append("GO\n");
        return s.ToString();
    }
}
