using CrmDb.Clr;
using CrmDb.Runner.Cli;
using CrmDb.Runner.Processing;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Run;

/// <summary>
/// Secret values (variables named like a secret, --secret-variable) never reach a log or the
/// console in clear; the server gets them; they are not part of the journal checksum.
/// </summary>
public sealed class SecretTests : IDisposable
{
    private const string Password = "S3cr3t!pw";
    private readonly RunFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    [Theory]
    [InlineData("DbPassword", true)]
    [InlineData("sa_pwd", true)]
    [InlineData("ApiSecret", true)]
    [InlineData("refresh_token", true)]
    [InlineData("PASSWORDS", true)]
    [InlineData("Table", false)]
    [InlineData("PW", false)]
    [InlineData("", false)]
    public void A_secret_is_a_name_holding_PASSWORD_PWD_SECRET_or_TOKEN_in_any_case(string name, bool secret)
    {
        Assert.Equal(secret, SecretNames.IsSecret(name));
    }

    [Fact]
    public void A_secret_value_reaches_the_server_and_shows_as_stars_in_the_log_the_console_and_server_messages()
    {
        fixture.Write("a.sql", "CREATE LOGIN crm WITH PASSWORD = '$(DbPassword)';");
        // A server that repeats the value in its error, as some do.
        fixture.Database.Executor.Respond = sql => [new ServerMessage(15118, 16, 1, 1, null, $"Le mot de passe '{Password}' est trop simple.")];

        var (result, output) = fixture.Run(fixture.Request() with { Variables = new Dictionary<string, string> { ["DbPassword"] = Password } });

        Assert.Equal([$"CREATE LOGIN crm WITH PASSWORD = '{Password}';"], fixture.Database.Executor.Executed);
        string log = fixture.ReadLog("CRMPLUS");
        Assert.Contains("CREATE LOGIN crm WITH PASSWORD = '********';", log, StringComparison.Ordinal);
        Assert.Contains("Le mot de passe '********' est trop simple.", log, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, log, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, output, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Failures, f => f.Message.Contains(Password, StringComparison.Ordinal));
    }

    [Fact]
    public void A_secret_variable_of_any_name_and_a_setvar_named_like_a_secret_are_masked_too()
    {
        fixture.Write("a.sql", ":setvar ApiToken tok-123456\nSELECT '$(Cle)', '$(ApiToken)', '$(Table)'");

        fixture.Run(fixture.Request() with
        {
            Variables = new Dictionary<string, string> { ["Cle"] = "k-987654", ["Table"] = "dbo.T" },
            SecretVariables = ["Cle"],
        });

        Assert.Equal(["SELECT 'k-987654', 'tok-123456', 'dbo.T'"], fixture.Database.Executor.Executed);
        Assert.Contains("SELECT '********', '********', 'dbo.T'", fixture.ReadLog("CRMPLUS"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_password_reruns_nothing()
    {
        fixture.Write("a.sql", "ALTER LOGIN crm WITH PASSWORD = '$(DbPassword)';");
        var first = fixture.Run(fixture.Request() with { Variables = new Dictionary<string, string> { ["DbPassword"] = "ancien" } });

        var second = fixture.Run(fixture.Request() with { Variables = new Dictionary<string, string> { ["DbPassword"] = "nouveau" } });

        Assert.Equal(1, first.Result.ScriptsRun);
        Assert.Equal(0, second.Result.ScriptsRun);
        Assert.Equal(1, second.Result.ScriptsSkipped);
    }

    [Fact]
    public void The_run_header_and_crmdb_batches_mask_secrets_unless_show_secrets_is_given()
    {
        string script = fixture.Write("a.sql", "SELECT '$(DbPassword)', '$(Cle)'");

        var run = CliRunner.Run("run", "CRMPLUS", script, "--dry-run", "--log-dir", fixture.Logs, "--variable", "DbPassword=" + Password, "--secret-variable", "Cle=k-987654");
        var batches = CliRunner.Run("batches", script, "--variable", "DbPassword=" + Password, "--secret-variable", "Cle=k-987654");
        var shown = CliRunner.Run("batches", script, "--variable", "DbPassword=" + Password, "--secret-variable", "Cle=k-987654", "--show-secrets");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        string log = File.ReadAllText(Assert.Single(Directory.GetFiles(fixture.Logs, "*.dry-run.log")));
        Assert.Contains("--variable DbPassword=********", log, StringComparison.Ordinal);
        Assert.Contains("--secret-variable Cle=********", log, StringComparison.Ordinal);
        Assert.Contains("SELECT '********', '********'", log, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, log + run.Out + run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("k-987654", log + run.Out + run.Error, StringComparison.Ordinal);
        Assert.Contains("SELECT '********', '********'", batches.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, batches.Out, StringComparison.Ordinal);
        Assert.Contains($"SELECT '{Password}', 'k-987654'", shown.Out, StringComparison.Ordinal);
    }
}
