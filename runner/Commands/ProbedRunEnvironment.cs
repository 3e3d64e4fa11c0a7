using CrmDb.Runner.Cli;
using CrmDb.Runner.Processing;

namespace CrmDb.Runner.Commands;

/// <summary>
/// crmdb run's SQL Server environment behind the connection probe that every verb runs: an
/// unreachable server or a refused login is one message naming the server and the database,
/// within --timeout, exit 1.
/// </summary>
internal sealed class ProbedRunEnvironment(IRunEnvironment inner) : IRunEnvironment
{
    public async Task<IRunSession> ConnectAsync(string connectionString, CancellationToken cancellationToken)
    {
        await Connection.ProbeAsync(connectionString, cancellationToken).ConfigureAwait(false);
        return await inner.ConnectAsync(connectionString, cancellationToken).ConfigureAwait(false);
    }
}
