using System.Diagnostics;

namespace CrmDb.Tests.Clr;

/// <summary>
/// The DACPAC build's CLR step (CrmDb.Clr.Deployment, run by database/build/CrmDb.Clr.targets)
/// refuses an assembly with a finding: non-zero exit, MSBuild errors, no script written.
/// </summary>
public sealed class ClrBuildToolTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("crmdb-clr-build-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void A_finding_fails_the_build_step_with_an_MSBuild_error_and_writes_no_script()
    {
        string assembly = Path.Combine(folder, "Sample.dll");
        File.WriteAllBytes(assembly, Net48Sample.Compile("""
            using Microsoft.SqlServer.Server;
            public static class Functions
            {
                private static int calls;
                [SqlFunction]
                public static int Next() => ++calls;
            }
            """));
        string script = Path.Combine(folder, "ClrAssembly.generated.sql");

        var (exitCode, output) = RunTool(assembly, script, Path.Combine(folder, "Surface.dacpac"));

        Assert.Equal(1, exitCode);
        // The canonical MSBuild format, which the Exec task reports as an error of the build.
        Assert.Contains($"{assembly}: error CLR001: ", output, StringComparison.Ordinal);
        Assert.Contains("Functions::calls", output, StringComparison.Ordinal);
        Assert.False(File.Exists(script), "The script was written despite the finding.");
    }

    private static (int ExitCode, string Output) RunTool(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CrmDb.Clr.Deployment.dll"));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "The build tool did not finish.");
        return (process.ExitCode, output + error.Result);
    }
}
