using System.Runtime.InteropServices;
using CrmDb.Runner.Cli;

namespace CrmDb.Runner.Batches;

/// <summary>
/// Whether a path is a FIFO, a socket or a device rather than a regular file. .NET does not say
/// (FileAttributes are the same), and opening a FIFO blocks until a writer comes; so on Linux the
/// file type is read with statx(2), whose layout is the same on every architecture.
/// </summary>
public static class FileKind
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28;
    private const int TypeMask = 0xF000;
    private const int Regular = 0x8000;
    private const int DirectoryType = 0x4000;

    private static readonly Localizer Text = new("Run");

    /// <summary>"not a regular file (FIFO, socket or device)", localised.</summary>
    public static string NotRegularText => Text["NotRegularFile"];

    /// <summary>True when <paramref name="path"/> exists and is neither a regular file nor a directory.</summary>
    public static bool IsSpecial(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return File.Exists(path) && File.GetAttributes(path).HasFlag(FileAttributes.Device);
        }

        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        byte[] buffer = new byte[256];
        if (Statx(AtFdCwd, path, 0, StatxType, buffer) != 0)
        {
            // Missing or unreadable: the open that follows says which.
            return false;
        }

        int type = BitConverter.ToUInt16(buffer, ModeOffset) & TypeMask;
        return type is not (Regular or DirectoryType);
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string pathname, int flags, uint mask, [Out] byte[] statxbuf);
}
