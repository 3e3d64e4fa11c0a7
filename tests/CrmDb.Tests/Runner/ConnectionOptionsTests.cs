using System.CommandLine;
using CrmDb.Runner.Cli;
using CrmDb.Runner.Commands;
using CrmDb.Runner.Processing;
using CrmDb.Tests.Infrastructure;
using CrmDb.Tests.Run;
using Microsoft.Data.SqlClient;

namespace CrmDb.Tests.Runner;

/// <summary>The connection string that the sqlcmd-style options build, and --query-timeout on its way to the batches.</summary>
[Collection(PasswordEnvironment.Name)]
public sealed class ConnectionOptionsTests
{
    private static readonly CliContext Quiet = new(TextReader.Null, TextWriter.Null, TextWriter.Null, false);

    private static SqlConnectionStringBuilder Build(CliContext context, params string[] args)
    {
        var options = new ConnectionOptions();
        var command = new RootCommand();
        options.AddTo(command);
        var parseResult = command.Parse(args);
        Assert.Empty(parseResult.Errors);
        return new SqlConnectionStringBuilder(options.Require(parseResult, context));
    }

    [Fact]
    public void Server_and_database_give_Windows_authentication_and_the_default_timeout()
    {
        var built = Build(Quiet, "-S", @"SRV\SAGE", "-d", "CRM");

        Assert.Equal(@"SRV\SAGE", built.DataSource);
        Assert.Equal("CRM", built.InitialCatalog);
        Assert.True(built.IntegratedSecurity);
        Assert.Equal(Connection.DefaultTimeoutSeconds, built.ConnectTimeout);
        Assert.False(built.TrustServerCertificate);
    }

    [Fact]
    public void A_user_login_takes_its_password_from_the_prompt_when_there_is_a_terminal()
    {
        string? asked = null;
        var terminal = Quiet with
        {
            ReadPassword = prompt =>
            {
                asked = prompt;
                return "s3cret;x";
            },
        };

        // The collection keeps the other tests that set CRMDB_PASSWORD from running meanwhile.
        SqlConnectionStringBuilder built;
        string? saved = Environment.GetEnvironmentVariable(Connection.PasswordVariable);
        Environment.SetEnvironmentVariable(Connection.PasswordVariable, null);
        try
        {
            built = Build(terminal, "--server", "SRV", "--database", "CRM", "--user", "crm_admin", "-C", "--timeout", "4");
        }
        finally
        {
            Environment.SetEnvironmentVariable(Connection.PasswordVariable, saved);
        }

        Assert.Equal("crm_admin", built.UserID);
        Assert.Equal("s3cret;x", built.Password);
        Assert.False(built.IntegratedSecurity);
        Assert.True(built.TrustServerCertificate);
        Assert.Equal(4, built.ConnectTimeout);
        Assert.Contains("crm_admin", asked, StringComparison.Ordinal);
    }

    [Fact]
    public void The_connection_string_keeps_its_own_timeout_unless_timeout_is_given()
    {
        const string Given = "Server=SRV;Database=CRM;Integrated Security=true;Connect Timeout=40";

        Assert.Equal(40, Build(Quiet, "-c", Given).ConnectTimeout);
        Assert.Equal(3, Build(Quiet, "-c", Given, "--timeout", "3").ConnectTimeout);
        Assert.Equal(Connection.DefaultTimeoutSeconds, Build(Quiet, "-c", "Server=SRV;Database=CRM").ConnectTimeout);
    }

    [Fact]
    public void Database_alone_replaces_the_database_of_the_connection_string()
    {
        var built = Build(Quiet, "-c", "Server=SRV;Database=CRM;Integrated Security=true", "-d", "CRM_RECETTE");

        Assert.Equal("SRV", built.DataSource);
        Assert.Equal("CRM_RECETTE", built.InitialCatalog);
    }

    [Theory]
    [InlineData(new string[0], 0)]
    [InlineData(new[] { "--query-timeout", "90" }, 90)]
    public void Query_timeout_reaches_the_batches_as_the_connection_strings_command_timeout(string[] more, int expected)
    {
        using var fixture = new RunFixture();
        string script = fixture.Write("010.sql", "SELECT 1;");
        var environment = new CapturingEnvironment(fixture.Database);
        var root = new RootCommand { RunCommand.Create(Quiet, environment, TimeProvider.System) };

        int exitCode = root.Parse(["run", "CRMPLUS", script, "-c", "Server=SRV;Database=CRM;Command Timeout=30", "--log-dir", fixture.Logs, .. more])
            .Invoke(new InvocationConfiguration { Output = TextWriter.Null, Error = TextWriter.Null });

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Equal(expected, new SqlConnectionStringBuilder(environment.ConnectionString).CommandTimeout);
    }

    private sealed class CapturingEnvironment(IRunEnvironment inner) : IRunEnvironment
    {
        public string? ConnectionString { get; private set; }

        public Task<IRunSession> ConnectAsync(string connectionString, CancellationToken cancellationToken)
        {
            ConnectionString = connectionString;
            return inner.ConnectAsync(connectionString, cancellationToken);
        }
    }
}
