using System.Reflection;
using CrmDb.Clr.Deployment.Verification;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Mono.Cecil;

namespace CrmDb.Tests.Clr;

/// <summary>
/// Small .NET Framework 4.8 assemblies compiled in the suite (Roslyn, against the net48 reference
/// assemblies), for the SAFE verifier's tests: each sample shows one rule.
/// </summary>
internal static class Net48Sample
{
    /// <summary>The build/.NETFramework/v4.8 folder of the restored reference package.</summary>
    public static string ReferenceFolder { get; } =
        typeof(Net48Sample).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "Net48ReferenceAssemblies").Value!;

    /// <summary>Compiles <paramref name="source"/> to a net48 library with the latest C# language version.</summary>
    public static byte[] Compile(string source, bool allowUnsafe = false, params string[] references)
    {
        string[] libraries = ["mscorlib", "System", "System.Core", "System.Data", .. references];
        var compilation = CSharpCompilation.Create(
            "Sample",
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))],
            libraries.Select(name => MetadataReference.CreateFromFile(Path.Combine(ReferenceFolder, name + ".dll"))),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, allowUnsafe: allowUnsafe, deterministic: true));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.True(emitted.Success, "The sample does not compile: " + string.Join(Environment.NewLine, emitted.Diagnostics));
        return image.ToArray();
    }

    /// <summary>
    /// Compiles with /unsafe, then removes the two markers /unsafe always adds (UnverifiableCode on the
    /// module, SkipVerification on the assembly: rule CLR008), so that a sample shows only what its
    /// code does. <paramref name="edit"/> may change the module further (e.g. add an instruction C# cannot write).
    /// </summary>
    public static byte[] CompileUnsafeWithoutMarkers(string source, Action<ModuleDefinition>? edit = null)
    {
        using var module = ModuleDefinition.ReadModule(new MemoryStream(Compile(source, allowUnsafe: true)));
        foreach (var attribute in module.CustomAttributes.Where(a => a.AttributeType.FullName == "System.Security.UnverifiableCodeAttribute").ToList())
        {
            module.CustomAttributes.Remove(attribute);
        }

        module.Assembly.SecurityDeclarations.Clear();
        edit?.Invoke(module);
        using var output = new MemoryStream();
        module.Write(output);
        return output.ToArray();
    }

    /// <summary>The verifier's findings on <paramref name="image"/>, with the reference assemblies beside the tests.</summary>
    public static IReadOnlyList<ClrFinding> Verify(byte[] image)
    {
        using var catalog = new HostProtectionCatalog(Net48ReferenceFolder.Default);
        return SafeAssemblyVerifier.Verify(image, "Sample.dll", catalog).Findings;
    }

    /// <summary>Findings as text, for assertion messages.</summary>
    public static string Describe(IEnumerable<ClrFinding> findings) =>
        string.Join(Environment.NewLine, findings.Select(f => f.ToString()));
}
