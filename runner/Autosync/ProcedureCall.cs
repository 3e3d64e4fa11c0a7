using System.Data;
using CrmDb.Runner.Cli;
using Microsoft.Data.SqlClient;

namespace CrmDb.Runner.Autosync;

/// <summary>What a procedure call returned: its return code and whether it raised errors.</summary>
public sealed record ProcedureOutcome(int ReturnCode, bool RaisedErrors);

/// <summary>
/// Calls a CrmDb procedure and writes its messages as SSMS shows them in its Messages tab, as they
/// arrive: informational messages as they are, errors with their "Msg n, Level n, State n,
/// Procedure, Line" heading. FireInfoMessageEventOnUserErrors makes errors up to severity 16
/// messages too, so that the procedure goes on and everything streams in order.
/// </summary>
public static class ProcedureCall
{
    private static readonly Localizer Text = new("Autosync");

    /// <summary>
    /// Runs <paramref name="procedure"/> with <paramref name="parameters"/>; each message goes to
    /// every writer of <paramref name="outputs"/>; <paramref name="readRows"/>, when given, reads
    /// its result sets.
    /// </summary>
    public static async Task<ProcedureOutcome> RunAsync(
        string connectionString,
        string procedure,
        IEnumerable<SqlParameter> parameters,
        IReadOnlyList<TextWriter> outputs,
        Func<SqlDataReader, Task>? readRows,
        CancellationToken cancellationToken)
    {
        bool raisedErrors = false;
        await using var connection = new SqlConnection(connectionString);
        connection.FireInfoMessageEventOnUserErrors = true;
        connection.InfoMessage += (_, e) =>
        {
            foreach (SqlError error in e.Errors)
            {
                raisedErrors |= error.Class > 10;
                string text = Format(error);
                foreach (TextWriter output in outputs)
                {
                    output.WriteLine(text);
                    output.Flush();
                }
            }
        };

        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new SqlCommand(procedure, connection)
        {
            CommandType = CommandType.StoredProcedure,
            // A cycle runs as long as its hooks need.
            CommandTimeout = 0,
        };
        foreach (SqlParameter parameter in parameters)
        {
            command.Parameters.Add(parameter);
        }

        var returnValue = command.Parameters.Add("@RETURN_VALUE", SqlDbType.Int);
        returnValue.Direction = ParameterDirection.ReturnValue;
        if (readRows is null)
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await readRows(reader).ConfigureAwait(false);
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
            {
            }
        }

        return new ProcedureOutcome(returnValue.Value is int code ? code : 0, raisedErrors);
    }

    /// <summary>A message as SSMS shows it: an error gets its heading line.</summary>
    public static string Format(SqlError error)
    {
        if (error.Class <= 10)
        {
            return error.Message;
        }

        string heading = string.IsNullOrEmpty(error.Procedure)
            ? Text["ErrorHeading", error.Number, error.Class, error.State, error.LineNumber]
            : Text["ErrorHeadingProcedure", error.Number, error.Class, error.State, error.Procedure, error.LineNumber];
        return heading + Environment.NewLine + error.Message;
    }

    /// <summary>crmdb's exit code for a procedure's return code (see docs/autosync.md).</summary>
    public static int ExitCode(ProcedureOutcome outcome) => outcome.ReturnCode switch
    {
        0 when !outcome.RaisedErrors => ExitCodes.Success,
        2 => ExitCodes.BadInput,
        _ => ExitCodes.ProcessingErrors,
    };
}
