using CrmDb.Clr.Autosync;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Autosync;

/// <summary>Binding by name, alias, conversion and conformity (docs/design.md decision 1).</summary>
public sealed class HookBindingPlanTests
{
    private static readonly HookValues Cycle = new(7, "success", "[GESCOM01].[BIJOU]", 1234);

    /// <summary>A parameter as sys.parameters describes it: "@name type(len)" with an optional " = " default marker.</summary>
    internal static HookParameter P(string declaration)
    {
        bool hasDefault = declaration.EndsWith(" =", StringComparison.Ordinal);
        bool output = declaration.EndsWith(" OUTPUT", StringComparison.Ordinal);
        string text = declaration.Replace(" =", string.Empty, StringComparison.Ordinal).Replace(" OUTPUT", string.Empty, StringComparison.Ordinal);
        string name = text[..text.IndexOf(' ', StringComparison.Ordinal)];
        string type = text[(name.Length + 1)..];
        string baseType = type.Contains('(', StringComparison.Ordinal) ? type[..type.IndexOf('(', StringComparison.Ordinal)] : type;
        string? size = type.Contains('(', StringComparison.Ordinal) ? type[(baseType.Length + 1)..^1] : null;
        int maxLength = baseType switch
        {
            "int" => 4,
            "bigint" => 8,
            "smallint" => 2,
            "datetime" => 8,
            "sysname" => 256,
            _ => size == "max" ? -1 : int.Parse(size ?? "1", System.Globalization.CultureInfo.InvariantCulture) * (baseType.StartsWith('n') ? 2 : 1),
        };
        string systemType = baseType == "sysname" ? "nvarchar" : baseType;
        return new HookParameter(name, systemType, baseType, maxLength, 0, 0, output, isReadOnly: false, hasDefault: hasDefault);
    }

    public static TheoryData<string[], string> Conforming() => new()
    {
        { [], "EXEC @ReturnCode = [dbo].[AUTOSYNC_0301_x];" },
        { ["@ErpIntegrationID int", "@ErpSyncStatus nvarchar(10)", "@GesComBaseInt nvarchar(300)", "@tokenAccount int"],
          "EXEC @ReturnCode = [dbo].[AUTOSYNC_0301_x] @ErpIntegrationID = @ErpIntegrationID, @ErpSyncStatus = @ErpSyncStatus, @GesComBaseInt = @GesComBaseInt, @tokenAccount = @tokenAccount;" },
        { ["@tokenAccount int"], "EXEC @ReturnCode = [dbo].[AUTOSYNC_0301_x] @tokenAccount = @tokenAccount;" },
        { ["@GesComBaseInt nvarchar(300)", "@ErpIntegrationID int"],
          "EXEC @ReturnCode = [dbo].[AUTOSYNC_0301_x] @GesComBaseInt = @GesComBaseInt, @ErpIntegrationID = @ErpIntegrationID;" },
        { ["@ErpSymsStatus nvarchar(10)"], "EXEC @ReturnCode = [dbo].[AUTOSYNC_0301_x] @ErpSymsStatus = @ErpSyncStatus;" },
        { ["@erpintegrationid int", "@TOKENACCOUNT int"],
          "EXEC @ReturnCode = [dbo].[AUTOSYNC_0301_x] @erpintegrationid = @ErpIntegrationID, @TOKENACCOUNT = @tokenAccount;" },
        { ["@tokenAccount nvarchar(20)"],
          "DECLARE @Bind1 nvarchar(20) = CONVERT(nvarchar(20), @tokenAccount);\nEXEC @ReturnCode = [dbo].[AUTOSYNC_0301_x] @tokenAccount = @Bind1;" },
        { ["@tokenAccount varchar(max)", "@ErpIntegrationID bigint"],
          "DECLARE @Bind1 varchar(max) = CONVERT(varchar(max), @tokenAccount);\nDECLARE @Bind2 bigint = CONVERT(bigint, @ErpIntegrationID);\nEXEC @ReturnCode = [dbo].[AUTOSYNC_0301_x] @tokenAccount = @Bind1, @ErpIntegrationID = @Bind2;" },
        { ["@ErpSyncStatus varchar(7)", "@GesComBaseInt sysname"],
          "DECLARE @Bind1 varchar(7) = CONVERT(varchar(7), @ErpSyncStatus);\nDECLARE @Bind2 nvarchar(128) = CONVERT(nvarchar(128), @GesComBaseInt);\nEXEC @ReturnCode = [dbo].[AUTOSYNC_0301_x] @ErpSyncStatus = @Bind1, @GesComBaseInt = @Bind2;" },
        { ["@tokenAccount int", "@Mode nvarchar(10) =", "@Debug int ="], "EXEC @ReturnCode = [dbo].[AUTOSYNC_0301_x] @tokenAccount = @tokenAccount;" },
        { ["@tokenAccount int OUTPUT"], "EXEC @ReturnCode = [dbo].[AUTOSYNC_0301_x] @tokenAccount = @tokenAccount;" },
    };

    [Theory]
    [MemberData(nameof(Conforming))]
    public void A_conforming_hook_is_called_with_what_it_declares_converted_to_its_types(string[] declared, string statement)
    {
        var plan = HookBindingPlan.Create(declared.Select(P).ToList(), Cycle);

        Assert.True(plan.IsConforming, plan.Reason);
        string built = plan.BuildStatement("dbo", "AUTOSYNC_0301_x");
        Assert.Equal(statement, built);
        // As the runner sends it: the statement inside sp_executesql, with its declared parameters.
        SqlParsing.Parse(DeclareStatementParameters() + built);
    }

    public static TheoryData<string[], string> NonConforming() => new()
    {
        { ["@Other int"], "@Other ne fait pas partie du contrat" },
        { ["@tokenAccount int", "@since datetime"], "@since ne fait pas partie du contrat" },
        { ["@tokenAccount smallint"], "@tokenAccount est déclaré smallint : types acceptés int, bigint" },
        { ["@tokenAccount nvarchar(10)"], "@tokenAccount est déclaré nvarchar(10) : types acceptés" },
        { ["@ErpIntegrationID datetime"], "@ErpIntegrationID est déclaré datetime" },
        { ["@ErpSyncStatus nvarchar(4)"], "de 7 caractères ou plus" },
        { ["@ErpSymsStatus int"], "@ErpSymsStatus est déclaré int" },
        { ["@GesComBaseInt int"], "nvarchar(300) conseillé" },
        { ["@GesComBaseInt nvarchar(10)"], "trop court pour [GESCOM01].[BIJOU] (18 caractères)" },
        { ["@bad-name int"], "Paramètre au nom inattendu" },
    };

    [Theory]
    [MemberData(nameof(NonConforming))]
    public void A_hook_with_a_parameter_it_cannot_receive_is_not_conforming_and_says_why_in_French(string[] declared, string because)
    {
        var plan = HookBindingPlan.Create(declared.Select(P).ToList(), Cycle);

        Assert.False(plan.IsConforming);
        Assert.Contains(because, plan.Reason, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => plan.BuildStatement("dbo", "AUTOSYNC_0301_x"));
    }

    [Fact]
    public void An_unknown_parameter_whose_default_cannot_be_read_says_so()
    {
        var parameter = new HookParameter("@Extra", "int", "int", 4, 10, 0, false, false, hasDefault: null);

        var plan = HookBindingPlan.Create([parameter], Cycle);

        Assert.False(plan.IsConforming);
        Assert.Contains("VIEW DEFINITION", plan.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_cycle_values_only_the_declarations_are_checked()
    {
        var plan = HookBindingPlan.Create([P("@GesComBaseInt nvarchar(10)")], HookValues.None);

        Assert.True(plan.IsConforming, plan.Reason);
    }

    [Fact]
    public void Several_problems_are_all_reported()
    {
        var plan = HookBindingPlan.Create([P("@a int"), P("@tokenAccount datetime"), P("@b int")], Cycle);

        Assert.Equal(3, plan.Problems.Count);
    }

    [Fact]
    public void The_trace_shows_the_call_with_its_values_as_the_hook_receives_them()
    {
        var plan = HookBindingPlan.Create(
            [P("@ErpIntegrationID int"), P("@ErpSymsStatus nvarchar(10)"), P("@GesComBaseInt varchar(300)"), P("@tokenAccount nvarchar(20)")],
            new HookValues(7, "success", "[GES'COM].[BIJOU]", 1234));

        string display = plan.BuildDisplay("dbo", "AUTOSYNC_0301_x", new HookValues(7, "success", "[GES'COM].[BIJOU]", 1234));

        Assert.Equal("EXEC [dbo].[AUTOSYNC_0301_x] @ErpIntegrationID = 7, @ErpSymsStatus = N'success', @GesComBaseInt = '[GES''COM].[BIJOU]', @tokenAccount = N'1234';", display);
        SqlParsing.Parse(display);
    }

    [Fact]
    public void Unknown_values_show_as_NULL()
    {
        var plan = HookBindingPlan.Create([P("@tokenAccount int")], HookValues.None);

        Assert.Equal("EXEC [dbo].[AUTOSYNC_0301_x] @tokenAccount = NULL;", plan.BuildDisplay("dbo", "AUTOSYNC_0301_x", HookValues.None));
    }

    [Fact]
    public void Names_with_brackets_are_quoted_as_QUOTENAME_does()
    {
        var plan = HookBindingPlan.Create([], Cycle);

        Assert.Equal("EXEC @ReturnCode = [dbo].[AUTOSYNC_0301_a]]b];", plan.BuildStatement("dbo", "AUTOSYNC_0301_a]b"));
    }

    /// <summary>The runner's sp_executesql parameters as local declarations, so that a statement parses as it will run.</summary>
    internal static string DeclareStatementParameters() =>
        "DECLARE " + HookContract.StatementParameters.Replace(" OUTPUT", string.Empty, StringComparison.Ordinal) + ";\n";
}
