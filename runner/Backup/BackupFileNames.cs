using System.Text;

namespace CrmDb.Runner.Backup;

/// <summary>
/// File and backup-set names of a pair. A file name starts with the label, so that a folder listing
/// sorts by time, then names the server, the database and the type:
/// <c>20261201_223000_SRV$SAGE_CRM_FULL.bak</c>. dbo.MC_backup builds the same names in T-SQL.
/// </summary>
public static class BackupFileNames
{
    // Characters Windows refuses in a file name; an instance name's '\' becomes '$' (as in msdb's device names).
    private const string Refused = "\\/:*?\"<>|";

    /// <summary>The file name (no folder) of <paramref name="database"/>'s backup in pair <paramref name="label"/>.</summary>
    public static string FileName(string label, string server, string database, BackupType type) =>
        string.Concat(label, "_", Clean(server.Replace('\\', '$')), "_", Clean(database), "_", type.Code(), type.Extension());

    /// <summary>
    /// The full path in <paramref name="directory"/>, joined with the server's separator: the path is
    /// the server's, not this machine's (a Windows server seen from Linux, or the other way round).
    /// </summary>
    public static string FilePath(string directory, string fileName)
    {
        string trimmed = directory.TrimEnd('\\', '/');
        char separator = directory.Contains('/', StringComparison.Ordinal) && !directory.Contains('\\', StringComparison.Ordinal) ? '/' : '\\';
        return trimmed + separator + fileName;
    }

    /// <summary>The backup set NAME: <c>CrmDb &lt;database&gt; &lt;TYPE&gt; &lt;label&gt;</c>, at most 128 characters (BACKUP's limit).</summary>
    public static string SetName(string label, string database, BackupType type)
    {
        string name = string.Concat("CrmDb ", database, " ", type.Code(), " ", label);
        return name.Length <= 128 ? name : name[..128];
    }

    /// <summary><paramref name="part"/> with the characters Windows refuses in a file name (and spaces) as '_'.</summary>
    public static string Clean(string part)
    {
        var builder = new StringBuilder(part.Length);
        foreach (char c in part)
        {
            builder.Append(Refused.Contains(c, StringComparison.Ordinal) || char.IsControl(c) || c == ' ' ? '_' : c);
        }

        return builder.ToString();
    }
}
