using System.Buffers.Binary;
using System.Reflection.PortableExecutable;
using CrmDb.Clr.Deployment.Verification;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace CrmDb.Tests.Clr;

/// <summary>
/// The SAFE verifier on small net48 assemblies compiled here: one sample per rule, each refused for
/// its own reason and only that one, and clean samples accepted.
/// </summary>
public sealed class SafeAssemblyVerifierTests
{
    [Fact]
    public void A_clean_assembly_is_accepted()
    {
        var findings = Net48Sample.Verify(Net48Sample.Compile("""
            using System;
            using System.Collections.Generic;
            using System.Data.SqlTypes;
            using Microsoft.SqlServer.Server;

            public static class Functions
            {
                private static readonly string[] Names = { "a", "b" };
                private const int Limit = 10;

                [SqlFunction(IsDeterministic = true)]
                public static SqlString Shout(SqlString text)
                {
                    if (text.IsNull) { return SqlString.Null; }
                    var words = new List<string>(text.Value.Split(' '));
                    words.Sort(new Ordinal());
                    var counts = new Dictionary<string, int>(StringComparer.Ordinal);
                    foreach (string word in words) { counts[word] = word.Length; }
                    return new SqlString(string.Join(" ", words.ToArray()).ToUpperInvariant() + Names.Length + Limit + counts.Count);
                }

                private sealed class Ordinal : IComparer<string>
                {
                    public int Compare(string x, string y) => string.CompareOrdinal(x, y);
                }
            }
            """));

        Assert.True(findings.Count == 0, Net48Sample.Describe(findings));
    }

    [Fact]
    public void A_comparison_delegate_built_with_new_is_not_cached_in_a_static_field()
    {
        // new Comparison<T>(Compare) allocates each time: the compiler keeps no <>O cache for it.
        var findings = Net48Sample.Verify(Net48Sample.Compile("""
            using System;
            using System.Collections.Generic;
            public static class Sorting
            {
                public static void Sort(List<string> list) => list.Sort(new Comparison<string>(Compare));
                private static int Compare(string a, string b) => string.CompareOrdinal(a, b);
            }
            """));

        Assert.True(findings.Count == 0, Net48Sample.Describe(findings));
    }

    [Fact]
    public void A_static_field_that_is_not_readonly_is_refused_at_CREATE_ASSEMBLY()
    {
        var findings = OnlyRule(ClrHostRules.MutableStaticField, Net48Sample.Compile("""
            public static class Counter
            {
                private static int count;
                public static int Next() => ++count;
            }
            """));

        var finding = Assert.Single(findings);
        Assert.Equal("Counter", finding.TypeName);
        Assert.Equal("count", finding.MemberName);
        Assert.Equal(6211, finding.ErrorNumber);
        Assert.Equal(ClrRefusalTime.CreateAssembly, finding.Rule.When);
        Assert.Contains("written by Counter.Next", finding.Evidence, StringComparison.Ordinal);
        Assert.Contains("has a static field 'count'", finding.ServerMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_two_lambda_caches_of_a_sort_with_lambdas_are_found()
    {
        // The HookCatalog defect: two non-capturing lambdas passed to Sort are cached by the compiler
        // in <>c::<>9__N_0 and <>9__N_1, static fields that are not initonly.
        var findings = OnlyRule(ClrHostRules.MutableStaticField, Net48Sample.Compile("""
            using System.Collections.Generic;
            public static class Catalog
            {
                public static void Plan(List<string> named, List<string> other)
                {
                    named.Sort((a, b) => string.CompareOrdinal(a, b));
                    other.Sort((a, b) => string.CompareOrdinal(b, a));
                }
            }
            """));

        Assert.Equal(2, findings.Count);
        Assert.All(findings, f =>
        {
            Assert.Equal("Catalog+<>c", f.TypeName);
            Assert.StartsWith("<>9__", f.MemberName, StringComparison.Ordinal);
            Assert.Equal(ClrFindingHint.LambdaCache, f.Hint);
            Assert.Contains("written by Catalog.Plan", f.Evidence, StringComparison.Ordinal);
        });
        Assert.NotEqual(findings[0].MemberName, findings[1].MemberName);
    }

    [Fact]
    public void The_cache_of_a_static_method_group_is_found()
    {
        // C# 11 and later cache a static method group converted to a delegate in <>O.
        var findings = OnlyRule(ClrHostRules.MutableStaticField, Net48Sample.Compile("""
            using System.Collections.Generic;
            public static class Sorting
            {
                public static void Sort(List<string> list) => list.Sort(Compare);
                private static int Compare(string a, string b) => string.CompareOrdinal(a, b);
            }
            """));

        var finding = Assert.Single(findings);
        Assert.Equal("Sorting+<>O", finding.TypeName);
        Assert.Equal(ClrFindingHint.MethodGroupCache, finding.Hint);
    }

    [Fact]
    public void A_finalizer_is_refused_at_CREATE_ASSEMBLY()
    {
        var finding = Assert.Single(OnlyRule(ClrHostRules.Finalizer, Net48Sample.Compile("""
            public sealed class Holder
            {
                ~Holder() { }
            }
            """)));

        Assert.Equal("Holder::Finalize", finding.Target);
        Assert.Equal(6216, finding.ErrorNumber);
    }

    [Fact]
    public void A_platform_invoke_is_refused_at_CREATE_ASSEMBLY()
    {
        var finding = Assert.Single(OnlyRule(ClrHostRules.PlatformInvoke, Net48Sample.Compile("""
            using System.Runtime.InteropServices;
            public static class Native
            {
                [DllImport("kernel32.dll")]
                public static extern uint GetTickCount();
            }
            """)));

        Assert.Equal("Native::GetTickCount", finding.Target);
        Assert.Contains("kernel32.dll", finding.Evidence, StringComparison.Ordinal);
        Assert.Equal(6265, finding.ErrorNumber);
    }

    [Fact]
    public void A_method_implemented_outside_managed_IL_is_refused_at_CREATE_ASSEMBLY()
    {
        var finding = Assert.Single(OnlyRule(ClrHostRules.NativeMethod, Net48Sample.Compile("""
            using System.Runtime.CompilerServices;
            public static class Intrinsics
            {
                [MethodImpl(MethodImplOptions.InternalCall)]
                public static extern int Magic();
            }
            """)));

        Assert.Equal("Intrinsics::Magic", finding.Target);
        Assert.Equal(6215, finding.ErrorNumber);
    }

    [Fact]
    public void A_mixed_mode_image_is_refused_at_CREATE_ASSEMBLY()
    {
        // Roslyn writes only pure IL images: clear the ILOnly flag of the CLI header, as a
        // mixed-mode C++/CLI image has it.
        byte[] image = Net48Sample.Compile("public static class Plain { public static int One() => 1; }");
        using (var pe = new PEReader(new MemoryStream(image)))
        {
            int flagsOffset = pe.PEHeaders.CorHeaderStartOffset + 16;
            uint flags = BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(flagsOffset));
            BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(flagsOffset), flags & ~(uint)CorFlags.ILOnly);
        }

        var finding = Assert.Single(OnlyRule(ClrHostRules.MixedModeImage, image));
        Assert.Equal(6544, finding.ErrorNumber);
    }

    [Fact]
    public void A_synchronized_method_is_refused_at_CREATE_ASSEMBLY()
    {
        var finding = Assert.Single(OnlyRule(ClrHostRules.SynchronizedMethod, Net48Sample.Compile("""
            using System.Runtime.CompilerServices;
            public sealed class Gate
            {
                [MethodImpl(MethodImplOptions.Synchronized)]
                public int Pass(int value) => value;
            }
            """)));

        Assert.Equal("Gate::Pass", finding.Target);
        Assert.Equal(6213, finding.ErrorNumber);
    }

    [Fact]
    public void Another_MethodImpl_option_is_refused_as_a_disallowed_attribute()
    {
        var finding = Assert.Single(OnlyRule(ClrHostRules.DisallowedAttribute, Net48Sample.Compile("""
            using System.Runtime.CompilerServices;
            public static class Inlining
            {
                [MethodImpl(MethodImplOptions.NoInlining)]
                public static int Keep(int value) => value;
            }
            """)));

        Assert.Equal("Inlining::Keep", finding.Target);
        Assert.Contains("MethodImplAttribute", finding.Evidence, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("public static unsafe class P { public static int Read(int* p) => *p; }", "P::Read", "pointer type System.Int32* in the signature")]
    [InlineData("public unsafe struct P { public int* Value; }", "P::Value", "pointer field type System.Int32*")]
    [InlineData("public static unsafe class P { public static int Sum(int n) { int* buffer = stackalloc int[4]; buffer[0] = n; return buffer[0]; } }", "P::Sum", "localloc instruction")]
    [InlineData("public static unsafe class P { public static int Call(delegate*<int> f) => f(); }", "P::Call", "calli instruction")]
    [InlineData("public static unsafe class P { public static int First(int[] values) { fixed (int* p = values) { return *p; } } }", "P::First", "local of type pinned System.Int32[]")]
    public void Unverifiable_code_is_refused_at_CREATE_ASSEMBLY(string source, string target, string evidence)
    {
        var findings = OnlyRule(ClrHostRules.UnverifiableCode, Net48Sample.CompileUnsafeWithoutMarkers(source));

        Assert.Contains(findings, f => f.Target == target && f.Evidence == evidence);
        Assert.All(findings, f => Assert.Equal(6218, f.ErrorNumber));
    }

    [Theory]
    [InlineData("cpblk")]
    [InlineData("initblk")]
    public void Block_copy_and_block_initialisation_are_unverifiable(string opcode)
    {
        // C# has no syntax for cpblk and initblk: the sample's method gets them written into its IL.
        var findings = OnlyRule(ClrHostRules.UnverifiableCode, Net48Sample.CompileUnsafeWithoutMarkers(
            "public static class Blocks { public static void Move(System.IntPtr to, System.IntPtr from, uint size) { } }",
            module =>
            {
                var method = module.GetType("Blocks").Methods.Single(m => m.Name == "Move");
                var il = method.Body.GetILProcessor();
                var ret = method.Body.Instructions.Last();
                il.InsertBefore(ret, il.Create(OpCodes.Ldarg_0));
                il.InsertBefore(ret, il.Create(opcode == "cpblk" ? OpCodes.Ldarg_1 : OpCodes.Ldc_I4_0));
                il.InsertBefore(ret, il.Create(OpCodes.Ldarg_2));
                il.InsertBefore(ret, il.Create(opcode == "cpblk" ? OpCodes.Cpblk : OpCodes.Initblk));
            }));

        var finding = Assert.Single(findings);
        Assert.Equal("Blocks::Move", finding.Target);
        Assert.Equal(opcode + " instruction", finding.Evidence);
    }

    [Fact]
    public void Compiling_with_unsafe_is_refused_at_CREATE_ASSEMBLY()
    {
        // /unsafe marks the module UnverifiableCode and asks for SkipVerification, even when no code
        // uses a pointer; SQL Server refuses such an assembly unless it is UNSAFE (Msg 6205).
        var findings = OnlyRule(ClrHostRules.UnsafeCompilation, Net48Sample.Compile(
            "public static class Plain { public static int One() => 1; }", allowUnsafe: true));

        Assert.Contains(findings, f => f.Evidence.Contains("UnverifiableCodeAttribute", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Evidence.Contains("SkipVerification", StringComparison.Ordinal));
        Assert.All(findings, f => Assert.Equal(6205, f.ErrorNumber));
    }

    [Theory]
    [InlineData("public static class T { [System.ThreadStatic] private static readonly object Slot = null; public static object Get() => Slot; }", "T::Slot", "System.ThreadStaticAttribute", 6238)]
    [InlineData("public static class T { [System.STAThread] public static void Main() { } }", "T::Main", "System.STAThreadAttribute", 6237)]
    [InlineData("[System.Runtime.CompilerServices.CompilationRelaxations(8)] public static class T { }", "T", "System.Runtime.CompilerServices.CompilationRelaxationsAttribute", 6239)]
    [InlineData("[System.Security.SuppressUnmanagedCodeSecurity] public static class T { }", "T", "System.Security.SuppressUnmanagedCodeSecurityAttribute", 6239)]
    public void A_disallowed_custom_attribute_is_refused_at_CREATE_ASSEMBLY(string source, string target, string attribute, int message)
    {
        var finding = Assert.Single(OnlyRule(ClrHostRules.DisallowedAttribute, Net48Sample.Compile(source)));

        Assert.Equal(target, finding.Target);
        Assert.Equal(attribute, finding.Evidence);
        Assert.Equal(message, finding.ErrorNumber);
    }

    [Fact]
    public void A_code_access_security_attribute_on_a_method_is_refused_at_CREATE_ASSEMBLY()
    {
        var finding = Assert.Single(OnlyRule(ClrHostRules.DisallowedAttribute, Net48Sample.Compile("""
            using System.Security.Permissions;
            public static class Secured
            {
                [SecurityPermission(SecurityAction.Demand, UnmanagedCode = true)]
                public static int One() => 1;
            }
            """)));

        Assert.Equal("Secured::One", finding.Target);
        Assert.Contains("CodeAccessSecurityAttribute", finding.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reference_to_System_Numerics_is_refused_at_CREATE_ASSEMBLY()
    {
        // System.Numerics is not among the libraries SQL Server loads for a SAFE assembly.
        var finding = Assert.Single(OnlyRule(ClrHostRules.UnsupportedReference, Net48Sample.Compile("""
            using System.Numerics;
            public static class Big
            {
                public static string Square(long value) => BigInteger.Multiply(value, value).ToString();
            }
            """, references: "System.Numerics")));

        Assert.StartsWith("System.Numerics, Version=4.0.0.0", finding.Evidence, StringComparison.Ordinal);
        Assert.Equal(6503, finding.ErrorNumber);
    }

    [Theory]
    [InlineData("lock", "public sealed class S { private readonly object gate = new object(); public int Get(int v) { lock (gate) { return v; } } }", "System.Threading.Monitor::Enter")]
    [InlineData("Monitor", "public sealed class S { public void Wait(object o) => System.Threading.Monitor.Wait(o); }", "System.Threading.Monitor::Wait")]
    [InlineData("Thread", "public sealed class S { public void Start() => new System.Threading.Thread(new System.Threading.ThreadStart(this.Run)).Start(); private void Run() { } }", "System.Threading.Thread::")]
    [InlineData("Mutex", "public static class S { public static object Make() => new System.Threading.Mutex(); }", "System.Threading.Mutex::.ctor")]
    [InlineData("Lazy", "public sealed class S { public int Get() => new System.Lazy<int>(new System.Func<int>(this.Make)).Value; private int Make() => 1; }", "System.Lazy`1::")]
    [InlineData("ConcurrentDictionary", "public static class S { public static bool Add() => new System.Collections.Concurrent.ConcurrentDictionary<string, int>().TryAdd(\"a\", 1); }", "System.Collections.Concurrent.ConcurrentDictionary`2::")]
    [InlineData("Console.Out (protection on the member, not the type)", "public static class S { public static void W() => System.Console.Out.WriteLine(1); }", "System.Console::get_Out")]
    [InlineData("HashSet", "public static class S { public static bool Add() => new System.Collections.Generic.HashSet<string>().Add(\"a\"); }", "System.Collections.Generic.HashSet`1::")]
    public void A_call_to_a_host_protected_member_is_refused_at_run_time(string what, string source, string called)
    {
        var findings = OnlyRule(ClrHostRules.HostProtectedMember, Net48Sample.Compile(source));

        Assert.True(findings.Any(f => f.Evidence.Contains(called, StringComparison.Ordinal)), what + ": " + Net48Sample.Describe(findings));
        Assert.All(findings, f =>
        {
            Assert.Equal(ClrRefusalTime.RunTime, f.Rule.When);
            Assert.Equal(6522, f.ErrorNumber);
            Assert.Contains("HostProtectionException", f.ServerMessage, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void The_reference_assemblies_carry_host_protection_as_declarative_security()
    {
        // The host-protection rule reads the link demands of the net48 reference assemblies: check
        // that they are there, on the types the brief names.
        using var catalog = new HostProtectionCatalog(Net48ReferenceFolder.Default);

        Assert.True(catalog.TypeDemand("mscorlib", "System.Threading.Monitor").HasFlag(HostProtectionResources.Synchronization));
        Assert.True(catalog.TypeDemand("mscorlib", "System.Lazy`1").HasFlag(HostProtectionResources.Synchronization));
        Assert.True(catalog.TypeDemand("mscorlib", "System.Threading.Mutex").HasFlag(HostProtectionResources.Synchronization));
        Assert.True(catalog.TypeDemand("System.Core", "System.Collections.Generic.HashSet`1").HasFlag(HostProtectionResources.MayLeakOnAbort));
        Assert.Equal(HostProtectionResources.None, catalog.TypeDemand("mscorlib", "System.Collections.Generic.Dictionary`2"));
        Assert.Equal(HostProtectionResources.None, catalog.TypeDemand("mscorlib", "System.String"));
    }

    [Fact]
    public void A_file_that_is_not_an_assembly_is_reported_as_such()
    {
        using var catalog = new HostProtectionCatalog(Net48ReferenceFolder.Default);

        var error = Assert.Throws<ClrAssemblyFormatException>(() => SafeAssemblyVerifier.Verify("not a PE image"u8.ToArray(), "notes.txt", catalog));
        Assert.Equal("notes.txt", error.Path);
    }

    /// <summary>The findings on <paramref name="image"/>, after checking that each is of <paramref name="rule"/>.</summary>
    private static List<ClrFinding> OnlyRule(ClrRule rule, byte[] image)
    {
        var findings = Net48Sample.Verify(image).ToList();
        Assert.True(findings.Count > 0, $"No finding; expected {rule.Code}.");
        Assert.True(findings.All(f => f.Rule == rule), $"Expected only {rule.Code}:{Environment.NewLine}{Net48Sample.Describe(findings)}");
        return findings;
    }
}
