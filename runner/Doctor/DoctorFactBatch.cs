using System.Reflection;

namespace CrmDb.Runner.Doctor;

/// <summary>
/// The fact batch of dbo.MC_doctor, word for word: the text between its "doctor facts" markers,
/// read from the procedure's file (embedded in crmdb), followed by one SELECT of the facts. So
/// crmdb doctor reads the very facts MC_doctor reads, even where CrmDb is not deployed yet.
/// Parameters: @ErpIntegrationID int, @CrmLogin sysname (NULL: none).
/// </summary>
public static class DoctorFactBatch
{
    /// <summary>The marker lines of MC_doctor.sql.</summary>
    public const string BeginMarker = "-- doctor facts: begin", EndMarker = "-- doctor facts: end";

    /// <summary>The name of the embedded MC_doctor.sql.</summary>
    public const string ResourceName = "CrmDb.Runner.Doctor.MC_doctor.sql";

    /// <summary>The batch crmdb doctor runs.</summary>
    public static string Text() => Extract(ProcedureText()) + "\nSELECT Scope, Name, Value, MissingRight FROM @Facts ORDER BY Position;\n";

    /// <summary>The statements between the markers of <paramref name="procedure"/>.</summary>
    public static string Extract(string procedure)
    {
        int begin = procedure.IndexOf(BeginMarker, StringComparison.Ordinal);
        int end = procedure.IndexOf(EndMarker, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
        {
            throw new InvalidOperationException("MC_doctor.sql has no '" + BeginMarker + "' ... '" + EndMarker + "' block.");
        }

        begin += BeginMarker.Length;
        return procedure[begin..end];
    }

    /// <summary>The text of database/dbo/StoredProcedures/MC_doctor.sql as built into crmdb.</summary>
    public static string ProcedureText()
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException("crmdb was built without " + ResourceName + ".");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
