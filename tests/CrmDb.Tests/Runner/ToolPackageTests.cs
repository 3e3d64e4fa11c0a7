using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using System.Text.Json;
using System.Xml.Linq;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Runner;

/// <summary>
/// The packed crmdb tool, as dotnet pack runner -c Release -o FEED writes it: a pointer package
/// and one package per runtime identifier (runner/crmdb.csproj). The win-x64 package cannot run
/// here, so what can be proved offline is proved on the files: each RID package holds ReadyToRun
/// code compiled for its own platform, the right entry point, and the same shipped files
/// (DACPACs, publish profile, tSQLt classes, GesCom fixture) as the others. These tests read the
/// feed named by CRMDB_TOOL_FEED; .ci/run's tool check packs, sets it and runs them. Without it
/// they are skipped, with that reason (packing compiles every assembly twice: minutes).
/// </summary>
public sealed class ToolPackageTests
{
    private const string FeedVariable = "CRMDB_TOOL_FEED";

    /// <summary>
    /// "ReadyToRun File Format" (dotnet/runtime, docs/design/coreclr/botr/readytorun-format.md):
    /// the CLI header's ManagedNativeHeader points to a READYTORUN_HEADER whose signature is 'RTR'.
    /// </summary>
    private const uint ReadyToRunSignature = 0x00525452;

    /// <summary>The PE machine of an x64 image.</summary>
    private const ushort Amd64 = 0x8664;

    /// <summary>
    /// A ReadyToRun image for Linux stores its machine XOR this value, one for Windows stores it
    /// as is (crossgen2's MachineOSOverride, CoreCLR's IMAGE_FILE_MACHINE_NATIVE_OS_OVERRIDE_LINUX):
    /// the machine field tells for which OS the native code was compiled.
    /// </summary>
    private const ushort LinuxOverride = 0x7B79;

    /// <summary>The RID packages and the PE machine their ReadyToRun code must carry.</summary>
    public static TheoryData<string, ushort> ReadyToRunPackages => new()
    {
        { "linux-x64", (ushort)(Amd64 ^ LinuxOverride) },
        { "win-x64", Amd64 },
    };

    /// <summary>The assemblies on crmdb's start-up and publish paths, named so that none can drop out unnoticed.</summary>
    private static readonly string[] StartUpAssemblies =
    [
        "crmdb.dll", "CrmDb.Clr.dll", "CrmDb.Clr.Deployment.dll", "System.CommandLine.dll", "Microsoft.Data.SqlClient.dll",
        "Microsoft.SqlServer.Dac.dll", "Microsoft.Data.Tools.Schema.Sql.dll", "Microsoft.SqlServer.TransactSql.ScriptDom.dll",
    ];

    /// <summary>The folders of files crmdb reads beside its assembly; the same in every package.</summary>
    private static readonly string[] ShippedFolders = ["dacpac/", "tsqlt/", "net48-reference/"];

    [SkippableFact]
    public void The_pointer_package_lists_one_package_per_runtime_identifier_and_each_is_in_the_feed()
    {
        string feed = Feed();
        using var pointer = Open(feed, "crmdb");
        var entries = pointer.Entries.Select(e => e.FullName).Where(n => n.StartsWith("tools/", StringComparison.Ordinal)).ToList();
        Assert.Equal(["tools/any/any/DotnetToolSettings.xml"], entries);

        var settings = XDocument.Load(pointer.GetEntry(entries[0])!.Open());
        var listed = settings.Descendants("RuntimeIdentifierPackage")
            .Select(p => (Rid: (string)p.Attribute("RuntimeIdentifier")!, Id: (string)p.Attribute("Id")!))
            .OrderBy(p => p.Rid, StringComparer.Ordinal)
            .ToList();
        Assert.Equal([("any", "crmdb.any"), ("linux-x64", "crmdb.linux-x64"), ("win-x64", "crmdb.win-x64")], listed);
        foreach (var (_, id) in listed)
        {
            Assert.True(File.Exists(PackagePath(feed, id)), $"{id}.{Version()}.nupkg missing from the feed");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(ReadyToRunPackages))]
    public void Each_RID_package_holds_ReadyToRun_code_compiled_for_its_own_platform(string rid, ushort machine)
    {
        using var package = Open(Feed(), "crmdb." + rid);
        string root = $"tools/net10.0/{rid}/";
        var managed = package.Entries
            .Where(e => e.FullName.StartsWith(root, StringComparison.Ordinal) && e.FullName.EndsWith(".dll", StringComparison.Ordinal))
            .Where(e => !e.FullName[root.Length..].Contains('/'))
            .Select(e => (e.Name, Image: Describe(e)))
            .Where(a => a.Image.HasCode)
            .ToList();

        Assert.Empty(StartUpAssemblies.Except(managed.Select(a => a.Name)));
        var notCompiled = managed
            .Where(a => !a.Image.ReadyToRun || a.Image.Machine != machine)
            .Select(a => FormattableString.Invariant($"{a.Name} (ReadyToRun {a.Image.ReadyToRun}, machine 0x{a.Image.Machine:X4})"))
            .ToList();
        Assert.True(notCompiled.Count == 0, $"{rid}: expected ReadyToRun code for machine 0x{machine:X4} in every assembly; not so for: {string.Join(", ", notCompiled)}");
    }

    [SkippableFact]
    public void The_portable_package_holds_IL_only()
    {
        using var package = Open(Feed(), "crmdb.any");
        var crmdb = Describe(package.GetEntry("tools/net10.0/any/crmdb.dll")!);
        Assert.True(crmdb.HasCode);
        Assert.False(crmdb.ReadyToRun);
    }

    [SkippableFact]
    public void Each_RID_package_starts_crmdb_through_its_own_native_executable()
    {
        string feed = Feed();
        using (var linux = Open(feed, "crmdb.linux-x64"))
        {
            AssertCommand(linux, "linux-x64", "crmdb");
            byte[] elf = Read(linux.GetEntry("tools/net10.0/linux-x64/crmdb")!);
            Assert.Equal("\u007fELF"u8.ToArray(), elf[..4]);
            Assert.Equal(62, BitConverter.ToUInt16(elf, 18)); // e_machine EM_X86_64
            AssertRuntimeTarget(linux, "linux-x64");
        }

        using var windows = Open(feed, "crmdb.win-x64");
        AssertCommand(windows, "win-x64", "crmdb.exe");
        using (var reader = new PEReader(new MemoryStream(Read(windows.GetEntry("tools/net10.0/win-x64/crmdb.exe")!))))
        {
            Assert.Equal(Machine.Amd64, reader.PEHeaders.CoffHeader.Machine);
            Assert.Equal(Subsystem.WindowsCui, reader.PEHeaders.PEHeader!.Subsystem);
            Assert.Null(reader.PEHeaders.CorHeader); // the apphost is native; crmdb.dll holds the code
        }

        AssertRuntimeTarget(windows, "win-x64");
    }

    [SkippableTheory]
    [InlineData("crmdb.linux-x64", "linux-x64")]
    [InlineData("crmdb.win-x64", "win-x64")]
    [InlineData("crmdb.any", "any")]
    public void Each_package_runs_with_the_tiering_settings_docs_benchmarks_measured(string id, string rid)
    {
        using var package = Open(Feed(), id);
        using var config = JsonDocument.Parse(Read(package.GetEntry($"tools/net10.0/{rid}/crmdb.runtimeconfig.json")!));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.False(properties.GetProperty("System.Runtime.TieredPGO").GetBoolean());
        Assert.Equal(5, properties.GetProperty("System.Runtime.TieredCompilation.CallCountingDelayMs").GetInt32());
    }

    [SkippableFact]
    public void Every_package_ships_the_same_DACPACs_publish_profile_tsqlt_classes_and_GesCom_fixture()
    {
        string feed = Feed();
        var contents = new Dictionary<string, SortedDictionary<string, string>>();
        foreach (string rid in new[] { "linux-x64", "win-x64", "any" })
        {
            using var package = Open(feed, "crmdb." + rid);
            string root = $"tools/net10.0/{rid}/";
            contents[rid] = new SortedDictionary<string, string>(
                package.Entries
                    .Where(e => e.FullName.StartsWith(root, StringComparison.Ordinal) && e.Length > 0)
                    .Select(e => (Relative: e.FullName[root.Length..], Entry: e))
                    .Where(f => ShippedFolders.Any(folder => f.Relative.StartsWith(folder, StringComparison.Ordinal)))
                    .ToDictionary(f => f.Relative, f => Convert.ToHexString(SHA256.HashData(Read(f.Entry)))),
                StringComparer.Ordinal);
        }

        // What the repository ships: its build's DACPACs and profile, and every tSQLt class.
        var expected = new[] { "dacpac/CrmDb.dacpac", "dacpac/SageCrm.dacpac", "dacpac/SqlServer.dacpac", "dacpac/CrmDb.ClrSurface.dacpac", "dacpac/GesCom.dacpac", "dacpac/CrmDb.publish.xml" }
            .Concat(Directory.EnumerateFiles(Repository.PathOf("tests", "tsqlt"), "*.class.sql").Select(f => "tsqlt/" + Path.GetFileName(f)))
            .ToList();
        Assert.Empty(expected.Except(contents["linux-x64"].Keys));
        Assert.Equal(Hash(Repository.PathOf("database", "CrmDb.publish.xml")), contents["linux-x64"]["dacpac/CrmDb.publish.xml"]);
        Assert.Equal(Hash(Repository.PathOf("tests", "tsqlt", "ReplicationTests.class.sql")), contents["linux-x64"]["tsqlt/ReplicationTests.class.sql"]);

        Assert.Equal(contents["linux-x64"], contents["win-x64"]);
        Assert.Equal(contents["linux-x64"], contents["any"]);
    }

    private static void AssertCommand(ZipArchive package, string rid, string entryPoint)
    {
        var command = XDocument.Load(package.GetEntry($"tools/net10.0/{rid}/DotnetToolSettings.xml")!.Open()).Descendants("Command").Single();
        Assert.Equal("crmdb", (string?)command.Attribute("Name"));
        Assert.Equal(entryPoint, (string?)command.Attribute("EntryPoint"));
        Assert.Equal("executable", (string?)command.Attribute("Runner"));
        Assert.NotNull(package.GetEntry($"tools/net10.0/{rid}/{entryPoint}"));
    }

    private static void AssertRuntimeTarget(ZipArchive package, string rid)
    {
        using var deps = JsonDocument.Parse(Read(package.GetEntry($"tools/net10.0/{rid}/crmdb.deps.json")!));
        Assert.Equal(".NETCoreApp,Version=v10.0/" + rid, deps.RootElement.GetProperty("runtimeTarget").GetProperty("name").GetString());
    }

    /// <summary>
    /// Whether a file is a managed assembly with IL method bodies (one that holds only resources,
    /// such as System.Diagnostics.EventLog.Messages, leaves crossgen2 nothing to compile), whether
    /// it holds ReadyToRun code, and its PE machine.
    /// </summary>
    private static (bool HasCode, bool ReadyToRun, ushort Machine) Describe(ZipArchiveEntry entry)
    {
        using var reader = new PEReader(new MemoryStream(Read(entry)));
        var headers = reader.PEHeaders;
        ushort machine = (ushort)headers.CoffHeader.Machine;
        if (headers.CorHeader is not { } cor)
        {
            return (false, false, machine);
        }

        var metadata = reader.GetMetadataReader();
        bool hasCode = metadata.MethodDefinitions.Any(m => metadata.GetMethodDefinition(m).RelativeVirtualAddress != 0);
        var native = cor.ManagedNativeHeaderDirectory;
        bool readyToRun = native.Size > 0
            && BitConverter.ToUInt32(reader.GetSectionData(native.RelativeVirtualAddress).GetContent(0, 4).AsSpan()) == ReadyToRunSignature;
        return (hasCode, readyToRun, machine);
    }

    private static string Feed()
    {
        string? feed = Environment.GetEnvironmentVariable(FeedVariable);
        Skip.If(string.IsNullOrEmpty(feed), $"{FeedVariable} is not set: it names the folder of dotnet pack runner -c Release -o FOLDER (.ci/run's tool check sets it).");
        return feed!;
    }

    private static string Version() =>
        XDocument.Load(Repository.PathOf("Directory.Build.props")).Descendants("Version").First().Value;

    private static string PackagePath(string feed, string id) => Path.Combine(feed, $"{id}.{Version()}.nupkg");

    private static ZipArchive Open(string feed, string id)
    {
        string path = PackagePath(feed, id);
        Assert.True(File.Exists(path), $"{path} missing: pack with dotnet pack runner -c Release -o {feed}");
        return ZipFile.OpenRead(path);
    }

    private static byte[] Read(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
