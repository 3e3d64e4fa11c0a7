namespace CrmDb.Runner.Processing;

/// <summary>The results of a running batch, as far as reading them goes (SqlDataReader for real, fakes in tests).</summary>
internal interface IResultCursor
{
    /// <summary>True once the reader is closed (nothing more can be read).</summary>
    bool IsClosed { get; }

    /// <summary>The next row of the current result.</summary>
    Task<bool> ReadAsync(CancellationToken cancellationToken);

    /// <summary>The next result.</summary>
    Task<bool> NextResultAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Reads every result of a batch to its end, so that no error hides behind a result set. An
/// error of class 17 and above surfaces as an exception in the middle: it is handed to
/// <c>onError</c> at once, before anything after it is read (so the log keeps the server's order),
/// and reading goes on with what the batch still sends (class 17 and 18 end the statement, not
/// the batch: "Database Engine error severities", learn.microsoft.com) until the reader closes
/// or <c>onError</c> says stop.
/// </summary>
internal static class ResultDrain
{
    /// <summary>More faults than this in one batch: stop reading (a reader that keeps failing without moving on).</summary>
    public const int MaxFaults = 1000;

    /// <summary>
    /// Reads <paramref name="cursor"/> to its end. <paramref name="onError"/> gets each exception:
    /// null rethrows it, true goes on reading, false stops.
    /// </summary>
    public static async Task DrainAsync(IResultCursor cursor, Func<Exception, bool?> onError, CancellationToken cancellationToken)
    {
        int faults = 0;
        while (true)
        {
            try
            {
                do
                {
                    while (await cursor.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        // Result rows are counted (StatementCompleted), not shown: the log records counts.
                    }
                }
                while (await cursor.NextResultAsync(cancellationToken).ConfigureAwait(false));
                return;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && onError(ex) is bool goOn)
            {
                if (!goOn || cursor.IsClosed || ++faults >= MaxFaults)
                {
                    return;
                }
            }
        }
    }
}
