using System.Security;
using CrmDb.Clr.Autosync;
using CrmDb.CodeAnalysis;

namespace CrmDb.Tests.CodeAnalysis;

/// <summary>
/// One hook contract: the same names and parameter lists go to CRMDB01 (the build) and to the
/// runtime's catalog planning (dbo.MC_runautosync, through HookCatalog), and both must give the
/// expected answer. Each parameter is written twice, as T-SQL declares it and as sys.parameters
/// reports it (system type, max_length in bytes, alias type), which is what each side reads.
/// </summary>
public sealed class HookContractTableTests
{
    /// <summary>A declared parameter: its T-SQL declaration and its catalog row.</summary>
    public sealed record Declared(string Name, string Declaration, string Type, int MaxLength, string? UserType = null, bool Default = false, bool Output = false)
    {
        public string Sql => $"{Name} {Declaration}{(Default ? " = NULL" : string.Empty)}{(Output ? " OUTPUT" : string.Empty)}";

        public string Xml => $"<parameter name=\"{Name}\" type=\"{Type}\" usertype=\"{UserType ?? Type}\" maxlength=\"{MaxLength}\" precision=\"0\" scale=\"0\" output=\"{(Output ? 1 : 0)}\" readonly=\"0\" hasdefault=\"0\"/>";
    }

    private static readonly Declared IntegrationInt = new("@ErpIntegrationID", "int", "int", 4);
    private static readonly Declared StatusAdvised = new("@ErpSyncStatus", "nvarchar(10)", "nvarchar", 20);
    private static readonly Declared BaseAdvised = new("@GesComBaseInt", "nvarchar(300)", "nvarchar", 600);
    private static readonly Declared TokenInt = new("@tokenAccount", "int", "int", 4);

    public static TheoryData<string, Declared[], bool> Cases => new()
    {
        { "AUTOSYNC_0301_relances", [IntegrationInt, StatusAdvised, BaseAdvised, TokenInt], true },
        { "autosync_20_tiers", [], true },
        { "AUTOSYNC_0301_relances_été", [TokenInt], true },
        // Off the name pattern: the old regex accepted the first one, the runner never ran it.
        { "AUTOSYNC_0301_my-hook", [], false },
        { "AUTOSYNC_0301_my hook", [], false },
        { "AUTOSYNC_first_relances", [], false },
        { "AUTOSYNC_0301_", [], false },
        { "AUTOSYNC__relances", [], false },
        // @ErpIntegrationID: int, bigint or text of 11 characters or more.
        { "AUTOSYNC_0400_a", [new("@ErpIntegrationID", "bigint", "bigint", 8)], true },
        { "AUTOSYNC_0400_b", [new("@ErpIntegrationID", "nvarchar(11)", "nvarchar", 22)], true },
        { "AUTOSYNC_0400_c", [new("@ErpIntegrationID", "nvarchar(10)", "nvarchar", 20)], false },
        { "AUTOSYNC_0400_d", [new("@ErpIntegrationID", "smallint", "smallint", 2)], false },
        // The status: nvarchar or varchar of 7 or more ('warning').
        { "AUTOSYNC_0500_a", [new("@ErpSyncStatus", "varchar(10)", "varchar", 10)], true },
        { "AUTOSYNC_0500_b", [new("@ErpSymsStatus", "nvarchar(max)", "nvarchar", -1)], true },
        { "AUTOSYNC_0500_c", [new("@ErpSymsStatus", "nvarchar(5)", "nvarchar", 10)], false },
        { "AUTOSYNC_0500_d", [new("@erpsyncstatus", "nvarchar", "nvarchar", 2)], false },
        { "AUTOSYNC_0500_e", [new("@ErpSyncStatus", "nchar(10)", "nchar", 20)], false },
        // The qualifier: nvarchar or varchar (the alias sysname is nvarchar(128)).
        { "AUTOSYNC_0600_a", [new("@GesComBaseInt", "varchar(300)", "varchar", 300)], true },
        { "AUTOSYNC_0600_b", [new("@GesComBaseInt", "sysname", "nvarchar", 256, "sysname")], true },
        { "AUTOSYNC_0600_c", [new("@GesComBaseInt", "xml", "xml", -1)], false },
        // The watermark: int, bigint or text of 11 or more; varchar(10) cannot hold -2147483648.
        { "AUTOSYNC_0700_a", [new("@TokenAccount", "varchar(20)", "varchar", 20)], true },
        { "AUTOSYNC_0700_b", [new("@tokenAccount", "varchar(10)", "varchar", 10)], false },
        { "AUTOSYNC_0700_c", [new("@tokenAccount", "datetime", "datetime", 8)], false },
        { "AUTOSYNC_0700_d", [new("@tokenAccount", "int", "int", 4, Output: true)], true },
        // Any other parameter needs a default, OUTPUT or not.
        { "AUTOSYNC_0800_a", [TokenInt, new("@Customer", "nvarchar(17)", "nvarchar", 34)], false },
        { "AUTOSYNC_0800_b", [TokenInt, new("@Customer", "nvarchar(17)", "nvarchar", 34, Default: true)], true },
        { "AUTOSYNC_0800_c", [new("@Result", "int", "int", 4, Default: true, Output: true)], true },
        { "AUTOSYNC_0800_d", [new("@Result", "int", "int", 4, Output: true)], false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_build_and_the_runner_accept_the_same_hooks(string name, Declared[] parameters, bool runs)
    {
        string definition = $"CREATE PROCEDURE [dbo].[{name}]"
            + (parameters.Length == 0 ? string.Empty : "\n    " + string.Join(",\n    ", parameters.Select(p => p.Sql)))
            + "\nAS\n    RETURN 0;";

        IReadOnlyList<Finding> findings = RuleHarness.Run(RuleIds.AutosyncHookContract, definition);
        string xml = $"<procedures><procedure schema=\"dbo\" name=\"{SecurityElement.Escape(name)}\"><definition>{SecurityElement.Escape(definition)}</definition>"
            + string.Concat(parameters.Select(p => p.Xml)) + "</procedure></procedures>";
        HookEntry entry = Assert.Single(HookCatalog.Plan(HookCatalog.ParseXml(xml), HookValues.None));

        Assert.True(runs == entry.IsConforming, $"runtime: expected {(runs ? "to run" : "not to run")}; reason: {entry.Reason}");
        Assert.True(runs == (findings.Count == 0), $"CRMDB01: expected {(runs ? "no finding" : "findings")}; got: {string.Join(" | ", findings)}");
    }
}
