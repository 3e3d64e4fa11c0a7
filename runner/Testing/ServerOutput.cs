namespace CrmDb.Runner.Testing;

/// <summary>
/// Where a message from the server goes when crmdb shows it as it comes (crmdb test, crmdb
/// sysparam set): PRINT and RAISERROR up to class 10 to the output, errors (class 11 and above)
/// to the error output, each line flushed so that it shows before the next one arrives.
/// </summary>
public sealed class ServerOutput(TextWriter output, TextWriter error)
{
    /// <summary>Writes one message.</summary>
    public void Write(byte messageClass, string text)
    {
        var writer = messageClass > 10 ? error : output;
        writer.WriteLine(text);
        writer.Flush();
    }
}
