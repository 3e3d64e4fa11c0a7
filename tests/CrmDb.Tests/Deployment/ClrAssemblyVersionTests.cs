using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Deployment;

/// <summary>
/// CrmDb.Clr's version follows its content: the instance trusts the hash of the net48 bytes, so
/// the bytes must change only when the code does, and a change of the bytes must come with a new
/// version (clr/CrmDb.Clr/CrmDb.Clr.csproj, clr/CrmDb.Clr/AssemblyVersions.txt).
/// </summary>
public sealed class ClrAssemblyVersionTests
{
    private static readonly string ProjectFile = Repository.PathOf("clr", "CrmDb.Clr", "CrmDb.Clr.csproj");
    private static readonly string VersionsFile = Repository.PathOf("clr", "CrmDb.Clr", "AssemblyVersions.txt");

    [Fact]
    public void Every_version_attribute_of_the_assembly_is_its_own_version_and_carries_no_commit_id()
    {
        string own = OwnVersion();
        var info = FileVersionInfo.GetVersionInfo(Repository.ClrAssemblyNet48);

        Assert.Equal(own, AssemblyName.GetAssemblyName(Repository.ClrAssemblyNet48).Version!.ToString());
        Assert.Equal(own, info.FileVersion);
        Assert.Equal(own, info.ProductVersion);
    }

    [SkippableFact]
    public void The_net48_bytes_are_the_ones_recorded_for_the_assembly_s_version()
    {
        // Only the Release bytes ship (Debug IL is not optimised, so its bytes differ).
        Skip.If(Repository.Configuration != "Release", "the recorded hashes are those of the Release build");
        string own = OwnVersion();
        string actual = Convert.ToHexString(SHA512.HashData(File.ReadAllBytes(Repository.ClrAssemblyNet48)));
        var recorded = File.ReadAllLines(VersionsFile)
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal);
        string line = own + " " + actual;

        Assert.True(recorded.TryGetValue(own, out string? expected) && expected == actual,
            expected is null
                ? $"CrmDb.Clr {own} is not in clr/CrmDb.Clr/AssemblyVersions.txt: add the line '{line}'."
                : $"CrmDb.Clr's net48 bytes changed but its version is still {own}, recorded with other bytes. The instance trusts the "
                  + "hash of these bytes, so a new content needs a new version: raise ClrAssemblyVersion in clr/CrmDb.Clr/CrmDb.Clr.csproj "
                  + "and add its line to clr/CrmDb.Clr/AssemblyVersions.txt (this build's hash: " + actual + ").");
    }

    [SkippableFact]
    public void The_bytes_depend_neither_on_the_checkout_folder_nor_on_the_product_version()
    {
        Skip.If(Repository.Configuration != "Release", "compared with the Release build that ships");
        string folder = Path.Combine(Path.GetTempPath(), "crmdb-clr-elsewhere-" + Guid.NewGuid().ToString("N"));
        try
        {
            // The project alone, somewhere else, built with another product version.
            Directory.CreateDirectory(Path.Combine(folder, "clr"));
            File.Copy(Repository.PathOf("Directory.Build.props"), Path.Combine(folder, "Directory.Build.props"));
            File.Copy(Repository.PathOf("Directory.Packages.props"), Path.Combine(folder, "Directory.Packages.props"));
            CopySources(Repository.PathOf("clr", "CrmDb.Clr"), Path.Combine(folder, "clr", "CrmDb.Clr"));

            var (exitCode, output) = DotnetBuild(Path.Combine(folder, "clr", "CrmDb.Clr"), "-p:Version=9.8.7");

            Assert.True(exitCode == 0, "the copy did not build:\n" + output);
            byte[] elsewhere = File.ReadAllBytes(Path.Combine(folder, "clr", "CrmDb.Clr", "bin", "Release", "net48", "CrmDb.Clr.dll"));
            Assert.True(elsewhere.AsSpan().SequenceEqual(File.ReadAllBytes(Repository.ClrAssemblyNet48)),
                "CrmDb.Clr.dll built in another folder with another product version has other bytes: something outside the code reaches them");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string OwnVersion()
    {
        var match = Regex.Match(File.ReadAllText(ProjectFile), "<ClrAssemblyVersion>([0-9.]+)</ClrAssemblyVersion>");
        Assert.True(match.Success, "no <ClrAssemblyVersion> in clr/CrmDb.Clr/CrmDb.Clr.csproj");
        return match.Groups[1].Value;
    }

    private static void CopySources(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            {
                continue;
            }

            string target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static (int ExitCode, string Output) DotnetBuild(string folder, params string[] properties)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in new[] { "build", "CrmDb.Clr.csproj", "-c", "Release", "-f", "net48", "-nodeReuse:false", "-nologo", "-v:m" }.Concat(properties))
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
