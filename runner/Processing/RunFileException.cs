using CrmDb.Runner.Cli;

namespace CrmDb.Runner.Processing;

/// <summary>
/// A file-system fault of a run (its log folder, log or lock file): one message naming the path
/// and the fix, never a stack trace. Thrown only before anything ran (exit 2); after that the log
/// records its own faults (<see cref="RunLog.Fault"/>) and the run ends with exit 1.
/// </summary>
public sealed class RunFileException : Exception
{
    private static readonly Localizer Text = new("Run");

    private RunFileException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>The message for <paramref name="fault"/> on <paramref name="path"/>, by kind of fault.</summary>
    public static string Describe(Exception fault, string path) => Text[Kind(fault, path), path, fault.Message];

    /// <summary>Wraps <paramref name="fault"/> on <paramref name="path"/>.</summary>
    public static RunFileException For(Exception fault, string path) => new(Describe(fault, path), fault);

    /// <summary>True for the exceptions file operations throw for a fault of the file system.</summary>
    public static bool IsFileFault(Exception ex) => ex is IOException or UnauthorizedAccessException or NotSupportedException;

    private static string Kind(Exception fault, string path)
    {
        // errno on Unix, HRESULT (Win32 error in the low word) on Windows.
        int code = fault.HResult & 0xFFFF;
        bool full = OperatingSystem.IsWindows() ? code is 0x70 or 0x27 : code == 28;
        return fault switch
        {
            PathTooLongException => "FileFaultTooLong",
            UnauthorizedAccessException => "FileFaultDenied",
            IOException when full => "FileFaultFull",
            IOException when !OperatingSystem.IsWindows() && code == 30 => "FileFaultReadOnly",
            IOException when !OperatingSystem.IsWindows() && code is 36 => "FileFaultTooLong",
            _ when IsBlockedByFile(path) => "FileFaultNotFolder",
            _ => "FileFaultOther",
        };
    }

    /// <summary>True when <paramref name="path"/> or one of its parents is a file where a folder is needed.</summary>
    private static bool IsBlockedByFile(string path)
    {
        for (string? folder = Path.GetDirectoryName(path); !string.IsNullOrEmpty(folder); folder = Path.GetDirectoryName(folder))
        {
            if (File.Exists(folder))
            {
                return true;
            }
        }

        return File.Exists(path) && !path.EndsWith(".log", StringComparison.OrdinalIgnoreCase) && !path.EndsWith(".lock", StringComparison.OrdinalIgnoreCase);
    }
}
