using CrmDb.CodeAnalysis;

namespace CrmDb.Tests.CodeAnalysis;

/// <summary>
/// CRMDB01 where it reports: the name on the procedure's name, each parameter on its line, in
/// the runner's words. Which hooks pass is HookContractTableTests' subject.
/// </summary>
public sealed class AutosyncHookContractRuleTests
{
    [Fact]
    public void A_name_off_the_pattern_is_reported_on_the_name_with_the_runners_reason()
    {
        var findings = RuleHarness.Run(RuleIds.AutosyncHookContract, """
            CREATE PROCEDURE dbo.[AUTOSYNC_0301_my-hook]
                @ErpIntegrationID int
            AS
                RETURN 0;
            """);

        var finding = Assert.Single(findings);
        Assert.Equal(1, finding.Line);
        Assert.Contains("le libellé « my-hook » contient autre chose que des lettres, des chiffres et _", finding.Message);
        Assert.Contains("ne l'exécute jamais", finding.Message);
    }

    [Fact]
    public void Contract_parameters_of_the_wrong_type_and_an_unknown_parameter_without_default_are_each_reported_on_their_line()
    {
        var findings = RuleHarness.Run(RuleIds.AutosyncHookContract, """
            CREATE PROCEDURE dbo.autosync_0400_factures
                @ErpIntegrationID nvarchar(10),
                @ErpSyncStatus    nvarchar(5),
                @GesComBaseInt    xml,
                @tokenAccount     datetime,
                @Customer         nvarchar(17),
                @Result           int = NULL OUTPUT
            AS
                RETURN 0;
            """);

        Assert.Equal([2, 3, 4, 5, 6], findings.Select(f => f.Line));
        Assert.Contains("@ErpIntegrationID est déclaré nvarchar(10) : types acceptés int, bigint, nvarchar(11 ou plus)", findings[0].Message);
        Assert.Contains("de 7 caractères ou plus", findings[1].Message);
        Assert.Contains("@GesComBaseInt est déclaré xml", findings[2].Message);
        Assert.Contains("@tokenAccount est déclaré datetime", findings[3].Message);
        Assert.Contains("@Customer ne fait pas partie du contrat", findings[4].Message);
        Assert.StartsWith("dbo.autosync_0400_factures : ", findings[0].Message, StringComparison.Ordinal);
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
