namespace CrmDb.Tests.Run;

/// <summary>
/// A test class that writes scripts to run and reads the logs a run leaves: one temporary folder
/// per test (xunit makes one instance per test), removed afterwards.
/// </summary>
public abstract class ScriptFolderTest(string prefix) : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>Where the scripts are written.</summary>
    protected string Scripts => Path.Combine(folder, "scripts");

    /// <summary>The run's log folder.</summary>
    protected string Logs => Path.Combine(folder, "logs");

    /// <summary>Writes script <paramref name="name"/> with <paramref name="text"/>.</summary>
    protected void Write(string name, string text)
    {
        Directory.CreateDirectory(Scripts);
        File.WriteAllText(Path.Combine(Scripts, name), text);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Directory.Delete(folder, recursive: true);
        GC.SuppressFinalize(this);
    }
}
