using System.Net;
using System.Net.Sockets;
using CrmDb.Runner.Cli;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Backup;

/// <summary>crmdb backup and restore refuse bad input before connecting: a message naming the thing and the fix, exit 2.</summary>
[Collection(CrmDb.Tests.Runner.PasswordEnvironment.Name)]
public sealed class BackupCommandTests
{
    // A connection that would fail if anything tried it: every refusal below comes before connecting.
    private const string Unreachable = "Server=tcp:127.0.0.1,1;Database=CRM;Connect Timeout=1";

    [Theory]
    [InlineData("« differential » n'est pas un type de sauvegarde", "backup", "--type", "differential")]
    [InlineData("une sauvegarde différentielle ne peut pas être COPY_ONLY", "backup", "--type", "diff", "--copy-only")]
    [InlineData("--lock-timeout -1", "backup", "--lock-timeout", "-1")]
    [InlineData("--directory est vide", "backup", "--directory", " ")]
    [InlineData("« 2026-12-01 » n'est pas une étiquette de paire", "restore", "--pair", "2026-12-01")]
    [InlineData("donnez deux noms de bases différents", "restore", "--pair", "20261201_223000", "--as", "CRM_TEST")]
    [InlineData("donnez deux noms de bases différents", "restore", "--pair", "20261201_223000", "--as", "X,x")]
    public void Bad_input_is_refused_before_connecting(string message, params string[] args)
    {
        var result = CliRunner.Run([.. args, "--connection", Unreachable]);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Restore_needs_a_pair()
    {
        var result = CliRunner.Run("restore", "--connection", Unreachable, "--lang", "en");

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("--pair", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("backup", "--type <full|diff|log>", "--copy-only", "--gescom-connection <CS>", "--directory <DIR>", "--dry-run", "--integration <N>")]
    [InlineData("restore", "--pair <LABEL>", "--from <DIR>", "--replace", "--as <NEW_CRM,NEW_GESCOM>", "--data-dir <DIR>", "--log-dir <DIR>")]
    [InlineData("publish", "--backup-first")]
    [InlineData("run", "--backup-first")]
    public void Help_lists_the_backup_options_with_the_shared_connection_options(string verb, params string[] options)
    {
        var help = CliRunner.Run(verb, "--help", "--lang", "en");

        foreach (string option in options.Append("-c, --connection <CS>").Append("--timeout <SECONDS>"))
        {
            Assert.Contains(option, help.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_backup_first_that_cannot_connect_changes_nothing_and_fails()
    {
        string logs = Directory.CreateTempSubdirectory("crmdb-backup-first-").FullName;
        string script = Path.Combine(logs, "a.sql");
        File.WriteAllText(script, "SELECT 1;");
        try
        {
            var result = CliRunner.Run("run", "CRMPLUS", script, "--backup-first", "--connection", Unreachable, "--log-dir", logs);

            // The pair is attempted first and its failure ends the run: no batch ran, no log was reset.
            Assert.Equal(ExitCodes.ProcessingErrors, result.ExitCode);
            Assert.Contains("Sauvegarde préalable (--backup-first)", result.Out, StringComparison.Ordinal);
            Assert.Contains("127.0.0.1,1", result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFiles(logs, "*bachsql_*"));
        }
        finally
        {
            Directory.Delete(logs, recursive: true);
        }
    }

    [Theory]
    [InlineData("CRM", "backup")]
    [InlineData("master", "restore", "--pair", "20261201_223000")]
    public void A_closed_port_fails_fast_in_one_message_naming_the_server(string database, params string[] args)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        string server = "127.0.0.1," + port;

        var result = CliRunner.RunWithEnvironment(
            new Dictionary<string, string?> { [Connection.PasswordVariable] = "not-used" },
            [.. args, "-S", server, "-d", "CRM", "-U", "sa", "--timeout", "2"]);

        // restore reaches the instance through master: the pair's CRM may be the database lost.
        Assert.Equal(ExitCodes.ProcessingErrors, result.ExitCode);
        Assert.Contains($"connexion impossible au serveur « {server} », base « {database} »", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }
}
