using CrmDb.CodeAnalysis;

namespace CrmDb.Tests.CodeAnalysis;

/// <summary>CRMDB01: AUTOSYNC_ procedures follow the hook contract (docs/design.md decisions 1 and 2).</summary>
public sealed class AutosyncHookContractRuleTests
{
    [Fact]
    public void A_hook_with_every_contract_parameter_in_each_allowed_form_and_a_defaulted_extra_is_not_reported()
    {
        var findings = RuleHarness.Run(RuleIds.AutosyncHookContract, """
            CREATE PROCEDURE dbo.AUTOSYNC_0301_relances
                @ErpIntegrationID int,
                @ErpSymsStatus    nvarchar(10),
                @GesComBaseInt    nvarchar(300),
                @tokenAccount     bigint,
                @Debug            bit = 0
            AS
            BEGIN
                SET NOCOUNT ON;
                RETURN 0;
            END;
            GO
            CREATE PROCEDURE dbo.AUTOSYNC_10_tiers @erpsyncstatus nvarchar(max), @TokenAccount varchar(20)
            AS
                RETURN 0;
            """);

        Assert.Empty(findings);
    }

    [Fact]
    public void A_name_whose_order_is_not_digits_is_reported_on_the_name()
    {
        var findings = RuleHarness.Run(RuleIds.AutosyncHookContract, """
            CREATE PROCEDURE dbo.AUTOSYNC_first_relances
                @ErpIntegrationID int
            AS
                RETURN 0;
            """);

        var finding = Assert.Single(findings);
        Assert.Equal(1, finding.Line);
        Assert.Contains("AUTOSYNC_<order>_<label>", finding.Message);
    }

    [Fact]
    public void A_name_without_a_label_is_reported()
    {
        var findings = RuleHarness.Run(RuleIds.AutosyncHookContract, "CREATE PROCEDURE dbo.AUTOSYNC_0301_ AS RETURN 0;");

        Assert.Single(findings);
    }

    [Fact]
    public void Contract_parameters_of_the_wrong_type_and_an_unknown_parameter_without_default_are_each_reported_on_their_line()
    {
        var findings = RuleHarness.Run(RuleIds.AutosyncHookContract, """
            CREATE PROCEDURE dbo.autosync_0400_factures
                @ErpIntegrationID nvarchar(10),
                @ErpSyncStatus    nvarchar(5),
                @GesComBaseInt    varchar(300),
                @tokenAccount     datetime,
                @Customer         nvarchar(17),
                @Result           int = NULL OUTPUT
            AS
                RETURN 0;
            """);

        Assert.Equal([2, 3, 4, 5, 6], findings.Select(f => f.Line));
        Assert.Contains("@ErpIntegrationID is declared NVARCHAR (10)", findings[0].Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("too short for 'warning'", findings[1].Message);
        Assert.Contains("@Customer is not a hook parameter and has no default", findings[4].Message);
    }

    [Fact]
    public void Procedures_that_are_not_hooks_may_have_any_parameters()
    {
        var findings = RuleHarness.Run(RuleIds.AutosyncHookContract, """
            CREATE PROCEDURE dbo.MC_something @Customer nvarchar(17), @When datetime2
            AS
                RETURN 0;
            """);

        Assert.Empty(findings);
    }
}
