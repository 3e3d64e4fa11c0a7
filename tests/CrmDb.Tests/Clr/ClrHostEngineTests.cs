using System.Security.Cryptography;
using CrmDb.Tests.Infrastructure;
using Microsoft.Data.SqlClient;

namespace CrmDb.Tests.Clr;

/// <summary>
/// What only a server decides: CREATE ASSEMBLY ... SAFE runs the full IL verification and the
/// CREATE ASSEMBLY checks on the real bytes, and a link demand on a host-protected member fails
/// when the routine runs. The same samples as the offline verifier tests, so that the message
/// numbers the verifier claims are checked against the engine (CRMDB_TEST_CONNECTION; skipped otherwise).
/// </summary>
public sealed class ClrHostEngineTests
{
    [EngineFact]
    public void The_shipped_net48_assembly_passes_CREATE_ASSEMBLY_as_SAFE()
    {
        string server = Engine.RequireConnection();
        using var database = ThrowawayDatabase.Create(server);

        WithTrustedHash(database, File.ReadAllBytes(Repository.ClrAssemblyNet48), bytes =>
            database.Execute($"CREATE ASSEMBLY [CrmDb.Clr] FROM 0x{Convert.ToHexString(bytes)} WITH PERMISSION_SET = SAFE;"));

        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM sys.assemblies WHERE name = N'CrmDb.Clr' AND permission_set_desc = N'SAFE_ACCESS';"));
    }

    [EngineFact]
    public void CREATE_ASSEMBLY_refuses_each_sample_with_the_message_the_verifier_names()
    {
        string server = Engine.RequireConnection();
        (string Rule, byte[] Image, int Expected)[] samples =
        [
            ("CLR001", Net48Sample.Compile("public static class C { private static int n; public static int Next() => ++n; }"), 6211),
            ("CLR001 lambda cache", Net48Sample.Compile("using System.Collections.Generic; public static class C { public static void S(List<string> l) => l.Sort((a, b) => string.CompareOrdinal(a, b)); }"), 6211),
            ("CLR002", Net48Sample.Compile("public sealed class C { ~C() { } }"), 6216),
            ("CLR003", Net48Sample.Compile("public static class C { [System.Runtime.InteropServices.DllImport(\"kernel32.dll\")] public static extern uint GetTickCount(); }"), 6265),
            ("CLR006", Net48Sample.Compile("public sealed class C { [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.Synchronized)] public int P(int v) => v; }"), 6213),
            ("CLR007", Net48Sample.CompileUnsafeWithoutMarkers("public static unsafe class C { public static int Sum(int n) { int* b = stackalloc int[4]; b[0] = n; return b[0]; } }"), 6218),
            ("CLR010", Net48Sample.Compile("public static class C { public static string S(long v) => System.Numerics.BigInteger.Multiply(v, v).ToString(); }", references: "System.Numerics"), 6503),
        ];

        var wrong = new List<string>();
        foreach (var (rule, image, expected) in samples)
        {
            using var database = ThrowawayDatabase.Create(server);
            int? number = null;
            WithTrustedHash(database, image, bytes =>
            {
                try
                {
                    database.Execute($"CREATE ASSEMBLY [Sample] FROM 0x{Convert.ToHexString(bytes)} WITH PERMISSION_SET = SAFE;");
                }
                catch (SqlException ex)
                {
                    number = ex.Number;
                }
            });

            if (number != expected)
            {
                wrong.Add($"{rule}: expected Msg {expected}, the server gave {(number is null ? "no error" : "Msg " + number)}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
    }

    [EngineFact]
    public void A_lock_in_a_SAFE_assembly_fails_when_the_routine_runs()
    {
        string server = Engine.RequireConnection();
        using var database = ThrowawayDatabase.Create(server);
        Skip.If(Convert.ToInt32(database.Scalar("SELECT CONVERT(int, value_in_use) FROM sys.configurations WHERE name = N'clr enabled';"), System.Globalization.CultureInfo.InvariantCulture) == 0,
            "'clr enabled' is 0 on the test server: the routine cannot run.");
        byte[] image = Net48Sample.Compile("""
            public static class Locked
            {
                private static readonly object Gate = new object();
                public static int Get(int value) { lock (Gate) { return value; } }
            }
            """);

        SqlException? error = null;
        WithTrustedHash(database, image, bytes =>
        {
            database.Execute($"CREATE ASSEMBLY [Sample] FROM 0x{Convert.ToHexString(bytes)} WITH PERMISSION_SET = SAFE;");
            database.Execute("CREATE FUNCTION dbo.LockedGet(@value int) RETURNS int AS EXTERNAL NAME [Sample].[Locked].[Get];");
            error = Assert.Throws<SqlException>(() => database.Scalar("SELECT dbo.LockedGet(1);"));
        });

        Assert.Equal(6522, error!.Number);
        Assert.Contains("HostProtectionException", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Runs <paramref name="action"/> with the hash of <paramref name="image"/> trusted (clr strict security), then removes the trust.</summary>
    private static void WithTrustedHash(ThrowawayDatabase database, byte[] image, Action<byte[]> action)
    {
        string hash = "0x" + Convert.ToHexString(SHA512.HashData(image));
        database.Execute($"IF NOT EXISTS (SELECT 1 FROM sys.trusted_assemblies WHERE hash = {hash}) EXEC sys.sp_add_trusted_assembly @hash = {hash}, @description = N'crmdb verifier engine test';");
        try
        {
            action(image);
        }
        finally
        {
            database.Execute($"IF EXISTS (SELECT 1 FROM sys.trusted_assemblies WHERE hash = {hash} AND description = N'crmdb verifier engine test') EXEC sys.sp_drop_trusted_assembly @hash = {hash};");
        }
    }
}
