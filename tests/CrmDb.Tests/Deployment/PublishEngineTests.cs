using CrmDb.Runner.Cli;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Deployment;

/// <summary>crmdb publish against a real SQL Server (CRMDB_TEST_CONNECTION; skipped otherwise).</summary>
public sealed class PublishEngineTests
{
    [EngineFact]
    public void Publishing_twice_onto_an_existing_CRM_installs_the_assembly_once_and_leaves_vendor_tables_alone()
    {
        string server = Engine.RequireConnection();
        using var database = ThrowawayDatabase.Create(server);
        database.Execute("CREATE TABLE dbo.Account (Acc_AccountId int NOT NULL PRIMARY KEY, acc_erp_account_id nvarchar(17) NULL, acc_site nvarchar(40) NULL);");
        database.Execute("CREATE TABLE dbo.Custom_SysParams (Parm_ParmId int IDENTITY PRIMARY KEY, Parm_Name nvarchar(100), Parm_Value nvarchar(max), Parm_Deleted tinyint, Parm_Site int);");
        database.Execute("INSERT dbo.Account (Acc_AccountId, acc_erp_account_id, acc_site) VALUES (1, N'C001', N'kept');");
        string output = Path.Combine(Path.GetTempPath(), "crmdb-publish-" + Guid.NewGuid().ToString("N"));
        string[] args = ["publish", "--connection", database.ConnectionString, "--dacpac", Repository.CrmDbDacpac,
            "--profile", Repository.PathOf("database", "CrmDb.publish.xml"), "--output-dir", output];

        var first = CliRunner.Run(args);
        var second = CliRunner.Run(args);

        Assert.True(first.ExitCode == ExitCodes.Success, first.Out + first.Error);
        Assert.True(second.ExitCode == ExitCodes.Success, second.Out + second.Error);
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM sys.assemblies WHERE name = N'CrmDb.Clr';"));
        Assert.Equal("[GESCOM].dbo.F_COMPTET", database.Scalar("SELECT dbo.MC_expandtokens(N'#F_COMPTET#', N'', N'GESCOM');"));
        Assert.Equal("kept", database.Scalar("SELECT acc_site FROM dbo.Account WHERE Acc_AccountId = 1;"));
        Assert.Equal(3, database.Scalar("SELECT COUNT(*) FROM sys.columns WHERE object_id = OBJECT_ID(N'dbo.Account');"));
        Assert.Equal(5, database.Scalar("SELECT COUNT(*) FROM sys.columns WHERE object_id = OBJECT_ID(N'dbo.Custom_SysParams');"));
    }

    [EngineFact]
    public void An_older_assembly_is_replaced_its_wrappers_recreated_and_its_hash_no_longer_trusted()
    {
        string server = Engine.RequireConnection();
        using var database = ThrowawayDatabase.Create(server);
        byte[] current = File.ReadAllBytes(Repository.ClrAssemblyNet48);
        byte[] older = WithNewModuleVersionId(current);
        byte[] olderHash = System.Security.Cryptography.SHA512.HashData(older);
        database.Execute($"EXEC sys.sp_add_trusted_assembly @hash = 0x{Convert.ToHexString(olderHash)}, @description = N'crmdb.clr, version=0.9.0.0';");
        database.Execute($"CREATE ASSEMBLY [CrmDb.Clr] FROM 0x{Convert.ToHexString(older)} WITH PERMISSION_SET = SAFE;");
        database.Execute("CREATE FUNCTION dbo.MC_expandtokens(@sql nvarchar(max), @server nvarchar(128), @database nvarchar(128)) RETURNS nvarchar(max) AS EXTERNAL NAME [CrmDb.Clr].[CrmDb.Clr.SqlEntryPoints].[ExpandTokens];");
        string[] args = ["publish", "--connection", database.ConnectionString, "--dacpac", Repository.CrmDbDacpac,
            "--profile", Repository.PathOf("database", "CrmDb.publish.xml"), "--output-dir", Path.Combine(Path.GetTempPath(), "crmdb-publish-" + Guid.NewGuid().ToString("N"))];

        var result = CliRunner.Run(args);

        Assert.True(result.ExitCode == ExitCodes.Success, result.Out + result.Error);
        var installed = (byte[])database.Scalar("SELECT HASHBYTES('SHA2_512', f.content) FROM sys.assembly_files AS f JOIN sys.assemblies AS a ON a.assembly_id = f.assembly_id WHERE a.name = N'CrmDb.Clr' AND f.file_id = 1;")!;
        Assert.Equal(System.Security.Cryptography.SHA512.HashData(current), installed);
        Assert.Equal("[SRV].[DB]", database.Scalar("SELECT dbo.MC_gescomqualifier(N'SRV', N'DB');"));
        Assert.Equal("[DB].dbo.P_X", database.Scalar("SELECT dbo.MC_expandtokens(N'#P_X#', N'.', N'DB');"));
        Assert.Equal(0, database.Scalar($"SELECT COUNT(*) FROM sys.trusted_assemblies WHERE hash = 0x{Convert.ToHexString(olderHash)};"));
    }

    /// <summary>The same assembly with another module version id: a valid, different build.</summary>
    private static byte[] WithNewModuleVersionId(byte[] assembly)
    {
        using var pe = new System.Reflection.PortableExecutable.PEReader(new MemoryStream(assembly));
        var reader = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        byte[] mvid = reader.GetGuid(reader.GetModuleDefinition().Mvid).ToByteArray();
        int offset = assembly.AsSpan().IndexOf(mvid);
        Assert.True(offset > 0, "MVID not found in the assembly bytes");
        byte[] copy = (byte[])assembly.Clone();
        Guid.NewGuid().ToByteArray().CopyTo(copy, offset);
        return copy;
    }
}
