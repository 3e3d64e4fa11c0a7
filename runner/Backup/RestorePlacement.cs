using System.Globalization;

namespace CrmDb.Runner.Backup;

/// <summary>One file of a backup as RESTORE FILELISTONLY lists it: logical name, type (D data, L log, F full-text, S FILESTREAM), file id.</summary>
public sealed record BackupFileEntry(string LogicalName, string Type, long FileId);

/// <summary>
/// Where a restore puts each file of a backup (WITH MOVE): data files in the data folder, log files
/// in the log folder, named after the target database, so that a copy never lands on the files of
/// the database it was taken from.
/// </summary>
public static class RestorePlacement
{
    /// <summary>
    /// The MOVE of every file: the first data file <c>TARGET.mdf</c>, other data files
    /// <c>TARGET_&lt;id&gt;.ndf</c>, the log <c>TARGET_log.ldf</c> (further logs <c>TARGET_log&lt;id&gt;.ldf</c>),
    /// full-text and FILESTREAM containers <c>TARGET_&lt;id&gt;</c> in the data folder.
    /// </summary>
    public static IReadOnlyList<FileMove> Moves(string targetDatabase, IReadOnlyList<BackupFileEntry> files, string dataDirectory, string logDirectory)
    {
        var moves = new List<FileMove>(files.Count);
        bool firstData = true;
        bool firstLog = true;
        string baseName = BackupFileNames.Clean(targetDatabase);
        foreach (var file in files.OrderBy(f => f.FileId))
        {
            string id = file.FileId.ToString(CultureInfo.InvariantCulture);
            string name;
            string directory;
            switch (file.Type.Trim().ToUpperInvariant())
            {
                case "D":
                    name = firstData ? baseName + ".mdf" : baseName + "_" + id + ".ndf";
                    firstData = false;
                    directory = dataDirectory;
                    break;
                case "L":
                    name = firstLog ? baseName + "_log.ldf" : baseName + "_log" + id + ".ldf";
                    firstLog = false;
                    directory = logDirectory;
                    break;
                default:
                    name = baseName + "_" + id;
                    directory = dataDirectory;
                    break;
            }

            moves.Add(new FileMove(file.LogicalName, BackupFileNames.FilePath(directory, name)));
        }

        return moves;
    }
}
