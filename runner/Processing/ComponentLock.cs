using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace CrmDb.Runner.Processing;

/// <summary>What a lock file says about the run that holds (or held) it.</summary>
public sealed record LockHolder(int ProcessId, string Host, string Started)
{
    /// <summary>Reads the three lines a lock file holds; null when they are missing (a file just created).</summary>
    public static LockHolder? Parse(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return lines.Length >= 3 && int.TryParse(lines[0], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
            ? new LockHolder(pid, lines[1], lines[2])
            : null;
    }

    /// <summary>The file's text.</summary>
    public string Format() => string.Create(CultureInfo.InvariantCulture, $"{ProcessId}\n{Host}\n{Started}\n");
}

/// <summary>
/// One run per component and log folder: <c>&lt;log-dir&gt;/bachsql_&lt;component&gt;.lock</c>,
/// held open for the whole run and holding PID, host and start time.
/// The file is opened with FileShare.None: on Windows the second open fails (sharing
/// violation); on Linux and macOS .NET takes an advisory flock(LOCK_EX | LOCK_NB) for
/// FileShare.None (and LOCK_SH for any other share), so the second open fails there too, every
/// opener being .NET (dotnet/runtime, SafeFileHandle.Unix.cs, Init). FileOptions.DeleteOnClose
/// removes the file at the end; on Unix .NET deletes it while still holding the lock and, for
/// FileShare.None with OpenOrCreate, re-opens when the path no longer is the file it locked, so a
/// run waiting on the old file cannot hold a lock nobody else sees. A process that dies leaves
/// the file, but the kernel drops its lock: the next run takes it over and says so.
/// Setting DOTNET_SYSTEM_IO_DISABLEFILELOCKING turns .NET's flock off, and this lock with it.
/// </summary>
public sealed class ComponentLock : IDisposable
{
    private readonly FileStream stream;

    private ComponentLock(string path, FileStream stream, LockHolder? previous)
    {
        Path = path;
        this.stream = stream;
        TakenOverFrom = previous;
    }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>The run that died holding the lock, when this run took it over.</summary>
    public LockHolder? TakenOverFrom { get; }

    /// <summary>The lock file of <paramref name="component"/> in <paramref name="directory"/>.</summary>
    public static string FileFor(string directory, string component) =>
        System.IO.Path.Combine(directory, "bachsql_" + component + ".lock");

    /// <summary>
    /// Takes the lock without waiting. Returns null and the holder (null when it has not written
    /// itself yet) when another run holds it; throws <see cref="RunFileException"/> for a fault of
    /// the file system.
    /// </summary>
    public static ComponentLock? TryAcquire(string path, DateTimeOffset now, out LockHolder? holder)
    {
        holder = null;
        FileStream stream;
        try
        {
            // Unbuffered: a write that fails (disk full) fails here, not again when the stream is closed.
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, OwnShare, 0, FileOptions.DeleteOnClose);
        }
        catch (IOException ex) when (ex is not (FileNotFoundException or DirectoryNotFoundException or PathTooLongException) && File.Exists(path))
        {
            holder = LockHolder.Parse(ReadUnlocked(path));
            return null;
        }
        catch (Exception ex) when (RunFileException.IsFileFault(ex))
        {
            throw RunFileException.For(ex, path);
        }

        try
        {
            var previous = LockHolder.Parse(new StreamReader(stream, Encoding.UTF8, false, 1024, leaveOpen: true).ReadToEnd());
            var self = new LockHolder(Environment.ProcessId, Environment.MachineName, now.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture));
            stream.SetLength(0);
            stream.Position = 0;
            byte[] bytes = Encoding.UTF8.GetBytes(self.Format());
            stream.Write(bytes);
            stream.Flush(flushToDisk: false);
            return new ComponentLock(path, stream, previous);
        }
        catch (Exception ex) when (RunFileException.IsFileFault(ex))
        {
            stream.Dispose();
            throw RunFileException.For(ex, path);
        }
    }

    /// <summary>Releases the lock and removes the file.</summary>
    public void Dispose() => stream.Dispose();

    /// <summary>
    /// Windows refuses other opens for real when the holder shares reading only (the holder's
    /// write access is not shared), and then lets a reader see who holds it; on Unix only
    /// FileShare.None gives an exclusive flock.
    /// </summary>
    private static FileShare OwnShare => OperatingSystem.IsWindows() ? FileShare.Read | FileShare.Delete : FileShare.None;

    /// <summary>The holder's lines, read without taking a lock (any .NET open would ask for flock LOCK_SH and fail).</summary>
    private static string ReadUnlocked(string path)
    {
        try
        {
            if (OperatingSystem.IsWindows())
            {
                using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
                return reader.ReadToEnd();
            }

            int fd = Open(path, 0);
            if (fd < 0)
            {
                return string.Empty;
            }

            try
            {
                byte[] buffer = new byte[1024];
                nint read = Read(fd, buffer, buffer.Length);
                return read > 0 ? Encoding.UTF8.GetString(buffer, 0, (int)read) : string.Empty;
            }
            finally
            {
                _ = Close(fd);
            }
        }
        catch (Exception ex) when (RunFileException.IsFileFault(ex))
        {
            return string.Empty;
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "read", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern nint Read(int fd, [Out] byte[] buffer, nint count);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Close(int fd);
}
