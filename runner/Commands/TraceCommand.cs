using System.CommandLine;
using System.Data;
using System.Text;
using CrmDb.Runner.Autosync;
using CrmDb.Runner.Cli;
using Microsoft.Data.SqlClient;

namespace CrmDb.Runner.Commands;

/// <summary>
/// crmdb trace: EXEC dbo.MC_traceautosync for one or every active integration, its messages
/// streamed as SSMS shows them, and copied to --output FILE for support.
/// </summary>
public static class TraceCommand
{
    private static readonly Localizer Text = new("Autosync");

    /// <summary>Builds the verb.</summary>
    public static Command Create(CliContext context)
    {
        var connection = new ConnectionOptions();
        var integration = new Option<int?>("--integration") { Description = Text["TraceIntegrationOption"], HelpName = "N" };
        var status = AutosyncCommand.StatusOption(required: false);
        var token = AutosyncCommand.TokenOption();
        var output = new Option<string?>("--output", "-o") { Description = Text["TraceOutputOption"], HelpName = "FILE" };
        var command = new Command("trace", Text["TraceDescription"]) { integration, status, token, output };
        connection.AddTo(command);
        command.SetHandler(context, async (parseResult, cancellationToken) =>
        {
            int? tokenValue = AutosyncCommand.CheckToken(parseResult.GetValue(token));
            string connectionString = await connection.OpenAsync(parseResult, context, cancellationToken).ConfigureAwait(false);
            string? file = parseResult.GetValue(output);
            StreamWriter? copy = null;
            string? partial = null;
            try
            {
                if (file is not null)
                {
                    // Written beside the file and renamed over it once there is output: a trace that
                    // cannot connect leaves the last one as it was.
                    string path = Path.GetFullPath(file);
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    partial = path + ".partial";
                    copy = new StreamWriter(partial, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
                }

                var outcome = await ProcedureCall.RunAsync(
                    connectionString,
                    "dbo.MC_traceautosync",
                    [
                        new SqlParameter("@ErpIntegrationID", SqlDbType.Int) { Value = (object?)parseResult.GetValue(integration) ?? DBNull.Value },
                        new SqlParameter("@ErpSyncStatus", SqlDbType.NVarChar, 10) { Value = parseResult.GetValue(status)! },
                        new SqlParameter("@tokenAccount", SqlDbType.Int) { Value = (object?)tokenValue ?? DBNull.Value },
                    ],
                    copy is null ? [context.Out] : [context.Out, copy],
                    null,
                    cancellationToken).ConfigureAwait(false);
                if (file is not null)
                {
                    context.Out.WriteLine(Text["TraceWritten", Path.GetFullPath(file)]);
                }

                return ProcedureCall.ExitCode(outcome);
            }
            catch (IOException ex)
            {
                throw new UsageException(Text["TraceFileError", file ?? string.Empty, ex.Message]);
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new UsageException(Text["TraceFileError", file ?? string.Empty, ex.Message]);
            }
            finally
            {
                if (copy is not null)
                {
                    await copy.DisposeAsync().ConfigureAwait(false);
                    ReplaceIfOutput(partial!, Path.GetFullPath(file!));
                }
            }
        });
        return command;
    }

    /// <summary>Renames <paramref name="partial"/> over <paramref name="path"/> when it holds more than its BOM; removes it otherwise.</summary>
    private static void ReplaceIfOutput(string partial, string path)
    {
        if (new FileInfo(partial).Length > 3)
        {
            File.Move(partial, path, overwrite: true);
        }
        else
        {
            File.Delete(partial);
        }
    }
}
