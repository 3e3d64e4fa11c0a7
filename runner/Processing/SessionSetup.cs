namespace CrmDb.Runner.Processing;

/// <summary>
/// What each script's session is given on top of SqlClient's settings. SqlClient's connection
/// runs with ANSI_NULLS, ANSI_PADDING, ANSI_WARNINGS, ANSI_NULL_DFLT_ON, CONCAT_NULL_YIELDS_NULL
/// and QUOTED_IDENTIFIER ON, ARITHABORT OFF ("a client connection in an application defaults to
/// ARITHABORT OFF", SET ARITHABORT, learn.microsoft.com; in effect ON as ANSI_WARNINGS is ON),
/// IMPLICIT_TRANSACTIONS and CURSOR_CLOSE_ON_COMMIT OFF; the classic sqlcmd runs with
/// QUOTED_IDENTIFIER OFF unless given -I (docs/run.md, "Session settings").
/// crmdb keeps SqlClient's, which the DACPAC's objects and filtered or computed-column indexes
/// need; --quoted-identifier off gives legacy scripts sqlcmd's.
/// </summary>
public static class SessionSetup
{
    /// <summary>The statements run right after the session opens (none with the default settings).</summary>
    public static IReadOnlyList<string> Statements(SessionSettings settings) =>
        settings.QuotedIdentifier ? [] : ["SET QUOTED_IDENTIFIER OFF;"];
}
