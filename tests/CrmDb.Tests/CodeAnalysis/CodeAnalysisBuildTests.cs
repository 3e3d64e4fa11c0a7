using System.Diagnostics;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.CodeAnalysis;

/// <summary>
/// The rules as the build runs them: a small throwaway SQL project that imports the repository's
/// build/CrmDb.Sql.props and .targets, built with a real `dotnet build`.
/// </summary>
public sealed class CodeAnalysisBuildTests
{
    [Fact]
    public void Rule_violations_fail_dotnet_build_of_a_sql_project_with_the_file_and_line()
    {
        // Below the test output (inside the repository) so that Directory.Packages.props applies.
        string folder = Path.Combine(AppContext.BaseDirectory, "analysis-build-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            string build = Repository.PathOf("database", "build");
            File.WriteAllText(Path.Combine(folder, "Throwaway.sqlproj"), $"""
                <Project>
                  <Import Project="{build}/CrmDb.Sql.props" />
                  <PropertyGroup>
                    <Name>Throwaway</Name>
                    <RunSqlCodeAnalysis>true</RunSqlCodeAnalysis>
                  </PropertyGroup>
                  <Import Project="{build}/CrmDb.Sql.targets" />
                </Project>
                """);
            File.WriteAllText(Path.Combine(folder, "Bad.sql"), """
                CREATE PROCEDURE dbo.Bad
                AS
                BEGIN
                    SET NOCOUNT ON;
                    DECLARE @sql nvarchar(max) = N'SELECT 1;';
                    EXEC (@sql);
                END;
                """);
            // CRMDB01 runs the runtime's hook contract from CrmDb.Clr.dll: this proves the build
            // loads it beside the rules (a label with '-' passed the old regex and never ran).
            File.WriteAllText(Path.Combine(folder, "Hook.sql"), """
                CREATE PROCEDURE [dbo].[AUTOSYNC_0301_my-hook]
                AS
                    RETURN 0;
                """);

            var (exitCode, output) = DotnetBuild(folder, "Throwaway.sqlproj");

            Assert.True(exitCode != 0, "the build passed:\n" + output);
            string expected = Path.Combine(folder, "Bad.sql") + "(6,5): StaticCodeAnalysis error CRMDB02";
            Assert.True(output.Contains(expected, StringComparison.Ordinal), $"'{expected}' not in:\n{output}");
            string hook = Path.Combine(folder, "Hook.sql") + "(1,18): StaticCodeAnalysis error CRMDB01";
            Assert.True(output.Contains(hook, StringComparison.Ordinal), $"'{hook}' not in:\n{output}");
            Assert.False(File.Exists(Path.Combine(folder, "bin", Repository.Configuration, "Throwaway.dacpac")),
                "a package that failed code analysis was left behind");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static (int ExitCode, string Output) DotnetBuild(string folder, string project)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // The rules and the DacFx task folder were built with the solution: do not build them again.
        foreach (string argument in new[] { "build", project, "-c", Repository.Configuration, "-p:BuildProjectReferences=false", "-nodeReuse:false", "-nologo", "-v:m" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(4)), "dotnet build did not end within 4 minutes");
        return (process.ExitCode, output + error.Result);
    }
}
