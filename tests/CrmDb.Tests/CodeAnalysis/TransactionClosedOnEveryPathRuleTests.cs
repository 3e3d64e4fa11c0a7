using CrmDb.CodeAnalysis;

namespace CrmDb.Tests.CodeAnalysis;

/// <summary>CRMDB04: no transaction begun without a commit or rollback on every path the rule can follow.</summary>
public sealed class TransactionClosedOnEveryPathRuleTests
{
    private static IReadOnlyList<Finding> Run(string body) => RuleHarness.Run(RuleIds.TransactionClosedOnEveryPath, $"""
        CREATE PROCEDURE dbo.Sample @Id int = 1, @Flag bit = 0
        AS
        BEGIN
            SET NOCOUNT ON;
        {body}
        END;
        """);

    [Fact]
    public void A_transaction_never_committed_is_reported_on_its_begin()
    {
        var findings = Run("""
                SET XACT_ABORT ON;
                BEGIN TRANSACTION;
                UPDATE dbo.Target SET Name = N'x' WHERE Id = @Id;
            """);

        var finding = Assert.Single(findings);
        Assert.Equal(6, finding.Line);
        Assert.Contains("the end of the procedure", finding.Message);
    }

    [Fact]
    public void A_return_between_begin_and_commit_is_reported_with_the_line_of_the_return()
    {
        var findings = Run("""
                SET XACT_ABORT ON;
                BEGIN TRANSACTION;
                UPDATE dbo.Target SET Name = N'x' WHERE Id = @Id;
                IF @@ROWCOUNT = 0
                    RETURN 1;
                COMMIT TRANSACTION;
            """);

        var finding = Assert.Single(findings);
        Assert.Equal(6, finding.Line);
        Assert.Contains("RETURN at line 9", finding.Message);
    }

    [Fact]
    public void A_commit_on_one_branch_only_is_reported()
    {
        var findings = Run("""
                BEGIN TRANSACTION;
                UPDATE dbo.Target SET Name = N'x' WHERE Id = @Id;
                IF @Flag = 1
                    COMMIT TRANSACTION;
            """);

        Assert.Single(findings);
    }

    [Fact]
    public void A_catch_that_rethrows_without_rolling_back_and_without_xact_abort_is_reported()
    {
        var findings = Run("""
                BEGIN TRY
                    BEGIN TRANSACTION;
                    UPDATE dbo.Target SET Name = N'x' WHERE Id = @Id;
                    COMMIT TRANSACTION;
                END TRY
                BEGIN CATCH
                    THROW;
                END CATCH;
            """);

        var finding = Assert.Single(findings);
        Assert.Contains("THROW at line 11", finding.Message);
    }

    [Fact]
    public void A_goto_in_a_procedure_that_begins_a_transaction_is_reported_as_not_followable()
    {
        var findings = Run("""
                BEGIN TRANSACTION;
                IF @Flag = 1 GOTO done;
                UPDATE dbo.Target SET Name = N'x' WHERE Id = @Id;
            done:
                COMMIT TRANSACTION;
            """);

        var finding = Assert.Single(findings);
        Assert.Equal(6, finding.Line);
        Assert.Contains("GOTO", finding.Message);
    }

    [Fact]
    public void Try_catch_that_rolls_back_when_a_transaction_is_open_then_rethrows_is_not_reported()
    {
        var findings = Run("""
                BEGIN TRY
                    BEGIN TRANSACTION;
                    UPDATE dbo.Target SET Name = N'x' WHERE Id = @Id;
                    IF @@ROWCOUNT = 0
                        THROW 50001, N'Aucune ligne', 1;
                    COMMIT TRANSACTION;
                END TRY
                BEGIN CATCH
                    IF @@TRANCOUNT > 0
                        ROLLBACK TRANSACTION;
                    THROW;
                END CATCH;
            """);

        Assert.Empty(findings);
    }

    [Fact]
    public void The_house_savepoint_pattern_for_a_procedure_called_inside_a_transaction_is_not_reported()
    {
        var findings = Run("""
                SET XACT_ABORT ON;
                DECLARE @TranCount int = @@TRANCOUNT;
                DECLARE @SavePoint nvarchar(32) = N'Sample';
                BEGIN TRY
                    IF @TranCount = 0
                        BEGIN TRANSACTION;
                    ELSE
                        SAVE TRANSACTION @SavePoint;
                    UPDATE dbo.Target SET Name = N'x' WHERE Id = @Id;
                    IF @TranCount = 0
                        COMMIT TRANSACTION;
                END TRY
                BEGIN CATCH
                    IF @TranCount = 0 AND XACT_STATE() <> 0
                        ROLLBACK TRANSACTION;
                    ELSE IF @TranCount > 0 AND XACT_STATE() = 1
                        ROLLBACK TRANSACTION @SavePoint;
                    THROW;
                END CATCH;
            """);

        Assert.Empty(findings);
    }

    [Fact]
    public void Rolling_back_a_doomed_transaction_and_committing_a_committable_one_in_catch_is_not_reported()
    {
        var findings = Run("""
                BEGIN TRY
                    BEGIN TRANSACTION;
                    UPDATE dbo.Target SET Name = N'x' WHERE Id = @Id;
                    COMMIT TRANSACTION;
                END TRY
                BEGIN CATCH
                    IF XACT_STATE() = -1
                        ROLLBACK TRANSACTION;
                    IF XACT_STATE() = 1
                        COMMIT TRANSACTION;
                    RAISERROR(N'%s', 16, 1, N'échec') WITH NOWAIT;
                END CATCH;
            """);

        Assert.Empty(findings);
    }

    [Fact]
    public void A_transaction_per_round_of_a_loop_with_break_and_continue_is_not_reported()
    {
        var findings = Run("""
                DECLARE @n int = 0;
                WHILE 1 = 1
                BEGIN
                    SET @n += 1;
                    IF @n > 10
                        BREAK;
                    IF @n = 3
                        CONTINUE;
                    BEGIN TRANSACTION;
                    UPDATE dbo.Target SET Name = N'x' WHERE Id = @n;
                    COMMIT TRANSACTION;
                END;
            """);

        Assert.Empty(findings);
    }

    [Fact]
    public void A_transaction_begun_in_a_loop_and_committed_only_after_a_break_is_reported()
    {
        var findings = Run("""
                DECLARE @n int = 0;
                WHILE @n < 10
                BEGIN
                    SET @n += 1;
                    BEGIN TRANSACTION;
                    IF @n = 5
                        BREAK;
                    COMMIT TRANSACTION;
                END;
            """);

        Assert.Single(findings);
    }

    [Fact]
    public void Throw_outside_try_with_xact_abort_on_rolls_back_and_is_not_reported()
    {
        var findings = Run("""
                SET XACT_ABORT ON;
                BEGIN TRANSACTION;
                UPDATE dbo.Target SET Name = N'x' WHERE Id = @Id;
                IF @@ROWCOUNT = 0
                    THROW 50001, N'Aucune ligne', 1;
                COMMIT TRANSACTION;
            """);

        Assert.Empty(findings);
    }

    [Fact]
    public void The_same_throw_without_xact_abort_leaves_the_transaction_open_and_is_reported()
    {
        var findings = Run("""
                BEGIN TRANSACTION;
                UPDATE dbo.Target SET Name = N'x' WHERE Id = @Id;
                IF @@ROWCOUNT = 0
                    THROW 50001, N'Aucune ligne', 1;
                COMMIT TRANSACTION;
            """);

        Assert.Contains("THROW at line 8", Assert.Single(findings).Message);
    }

    [Fact]
    public void A_condition_reassigned_between_begin_and_commit_is_not_trusted()
    {
        var findings = Run("""
                DECLARE @Open bit = 1;
                IF @Open = 1
                    BEGIN TRANSACTION;
                SET @Open = @Flag;
                IF @Open = 1
                    COMMIT TRANSACTION;
            """);

        Assert.Single(findings);
    }

    [Fact]
    public void Forty_parameter_checks_before_a_transaction_are_followed_quickly_and_correctly()
    {
        string checks = string.Join("\n", Enumerable.Range(1, 40).Select(i =>
            $"    DECLARE @p{i} int = @Id + {i};\n    IF @p{i} IS NULL OR @p{i} < 0 INSERT @Errors (Message) VALUES (N'@p{i}');"));
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var findings = Run($"""
                DECLARE @Errors TABLE (Message nvarchar(400));
            {checks}
                IF EXISTS (SELECT 1 FROM @Errors)
                    RETURN 1;
                BEGIN TRANSACTION;
                UPDATE dbo.Target SET Name = N'x' WHERE Id = @Id;
                IF @Flag = 1
                    RETURN 2;
                COMMIT TRANSACTION;
            """);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        Assert.Contains("RETURN at line", Assert.Single(findings).Message);
    }
}
