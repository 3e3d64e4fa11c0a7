using CrmDb.Runner.Cli;
using CrmDb.Tests.Infrastructure;
using Microsoft.Data.SqlClient;

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

    [EngineFact]
    public void A_first_install_trusts_the_hash_described_with_the_assembly_s_version_and_the_database()
    {
        string server = Engine.RequireConnection();
        using var database = ThrowawayDatabase.Create(server);
        byte[] hash = System.Security.Cryptography.SHA512.HashData(File.ReadAllBytes(Repository.ClrAssemblyNet48));
        string version = System.Reflection.AssemblyName.GetAssemblyName(Repository.ClrAssemblyNet48).Version!.ToString();

        var result = CliRunner.Run(PublishArguments(database));

        Assert.True(result.ExitCode == ExitCodes.Success, result.Out + result.Error);
        Assert.Equal("[GESCOM].dbo.F_COMPTET", database.Scalar("SELECT dbo.MC_expandtokens(N'#F_COMPTET#', N'', N'GESCOM');"));
        var description = database.Scalar($"SELECT description FROM sys.trusted_assemblies WHERE hash = 0x{Convert.ToHexString(hash)};") as string;
        Assert.NotNull(description);
        Assert.StartsWith("crmdb.clr, version=" + version + "; database=", description, StringComparison.Ordinal);
    }

    [EngineFact]
    public void Two_databases_published_one_after_the_other_both_keep_working()
    {
        string server = Engine.RequireConnection();
        using var production = ThrowawayDatabase.Create(server);
        using var testCopy = ThrowawayDatabase.Create(server);
        // Production runs another build (trusted as an earlier publish would have), the test copy gets this one.
        byte[] other = WithNewModuleVersionId(File.ReadAllBytes(Repository.ClrAssemblyNet48));
        string otherHash = "0x" + Convert.ToHexString(System.Security.Cryptography.SHA512.HashData(other));
        production.Execute($"EXEC sys.sp_add_trusted_assembly @hash = {otherHash}, @description = N'crmdb.clr, version=1.0.0.0; database={production.Name}';");
        try
        {
            production.Execute($"CREATE ASSEMBLY [CrmDb.Clr] FROM 0x{Convert.ToHexString(other)} WITH PERMISSION_SET = SAFE;");
            production.Execute("CREATE FUNCTION dbo.MC_expandtokens(@sql nvarchar(max), @server nvarchar(128), @database nvarchar(128)) RETURNS nvarchar(max) AS EXTERNAL NAME [CrmDb.Clr].[CrmDb.Clr.SqlEntryPoints].[ExpandTokens];");

            var publish = CliRunner.Run(PublishArguments(testCopy));

            Assert.True(publish.ExitCode == ExitCodes.Success, publish.Out + publish.Error);
            Assert.Equal(1, testCopy.Scalar($"SELECT COUNT(*) FROM sys.trusted_assemblies WHERE hash = {otherHash};"));
            SqlConnection.ClearAllPools(); // a new session loads the assembly again, as production's next call would
            Assert.Equal("[DB].dbo.P_X", production.Scalar("SELECT dbo.MC_expandtokens(N'#P_X#', N'.', N'DB');"));
            Assert.Equal("[DB].dbo.P_X", testCopy.Scalar("SELECT dbo.MC_expandtokens(N'#P_X#', N'.', N'DB');"));

            // Production is published in its turn: its old build is no longer used anywhere, so no longer trusted.
            var second = CliRunner.Run(PublishArguments(production));

            Assert.True(second.ExitCode == ExitCodes.Success, second.Out + second.Error);
            Assert.Equal("[DB].dbo.P_X", production.Scalar("SELECT dbo.MC_expandtokens(N'#P_X#', N'.', N'DB');"));
            Assert.Equal("[DB].dbo.P_X", testCopy.Scalar("SELECT dbo.MC_expandtokens(N'#P_X#', N'.', N'DB');"));
            Assert.Equal(0, production.Scalar($"SELECT COUNT(*) FROM sys.trusted_assemblies WHERE hash = {otherHash};"));
        }
        finally
        {
            production.Execute($"IF EXISTS (SELECT 1 FROM sys.trusted_assemblies WHERE hash = {otherHash}) EXEC sys.sp_drop_trusted_assembly @hash = {otherHash};");
        }
    }

    [EngineFact]
    public void A_db_owner_without_server_rights_republishes_once_the_database_holds_the_trusted_assembly()
    {
        string server = Engine.RequireConnection();
        using var database = ThrowawayDatabase.Create(server);
        var first = CliRunner.Run(PublishArguments(database));
        Assert.True(first.ExitCode == ExitCodes.Success, first.Out + first.Error);
        using var owner = DbOwnerLogin.Create(server, database);

        var again = CliRunner.Run(PublishArguments(database, owner.ConnectionString));

        Assert.True(again.ExitCode == ExitCodes.Success, again.Out + again.Error);
        Assert.Equal(1, database.Scalar("SELECT COUNT(*) FROM sys.assemblies WHERE name = N'CrmDb.Clr';"));
        Assert.Equal("[DB].dbo.P_X", database.Scalar("SELECT dbo.MC_expandtokens(N'#P_X#', N'.', N'DB');"));
    }

    [EngineFact]
    public void A_db_owner_publishing_onto_an_instance_that_trusts_the_hash_is_told_which_right_reads_it_then_succeeds_with_it()
    {
        string server = Engine.RequireConnection();
        using var trusted = ThrowawayDatabase.Create(server);
        using var database = ThrowawayDatabase.Create(server);
        var first = CliRunner.Run(PublishArguments(trusted));
        Assert.True(first.ExitCode == ExitCodes.Success, first.Out + first.Error);
        using var owner = DbOwnerLogin.Create(server, database);
        int major = Convert.ToInt32(database.Scalar("SELECT CONVERT(int, PARSENAME(CONVERT(nvarchar(128), SERVERPROPERTY('ProductVersion')), 4));"), System.Globalization.CultureInfo.InvariantCulture);
        string permission = major >= 16 ? "VIEW SERVER SECURITY STATE" : "VIEW SERVER STATE";

        var refused = CliRunner.Run([.. PublishArguments(database, owner.ConnectionString), "--lang", "en"]);

        Assert.True(refused.ExitCode == ExitCodes.ProcessingErrors, refused.Out + refused.Error);
        Assert.Contains($"GRANT {permission} TO [{owner.Login}];", refused.Error, StringComparison.Ordinal);
        Assert.Equal(0, database.Scalar("SELECT COUNT(*) FROM sys.assemblies WHERE name = N'CrmDb.Clr';"));

        owner.GrantOnServer(permission);
        var published = CliRunner.Run(PublishArguments(database, owner.ConnectionString));

        Assert.True(published.ExitCode == ExitCodes.Success, published.Out + published.Error);
        Assert.Equal("[DB].dbo.P_X", database.Scalar("SELECT dbo.MC_expandtokens(N'#P_X#', N'.', N'DB');"));
    }

    private static string[] PublishArguments(ThrowawayDatabase database, string? connectionString = null) =>
        ["publish", "--connection", connectionString ?? database.ConnectionString, "--dacpac", Repository.CrmDbDacpac,
            "--profile", Repository.PathOf("database", "CrmDb.publish.xml"), "--output", Path.Combine(Path.GetTempPath(), "crmdb-publish-" + Guid.NewGuid().ToString("N"))];

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

/// <summary>A SQL login that is db_owner of one database and has no server right, dropped after.</summary>
internal sealed class DbOwnerLogin : IDisposable
{
    private readonly string server;

    private DbOwnerLogin(string server, string login, string connectionString)
    {
        this.server = server;
        Login = login;
        ConnectionString = connectionString;
    }

    /// <summary>The login's name.</summary>
    public string Login { get; }

    /// <summary>A connection string to the database as that login.</summary>
    public string ConnectionString { get; }

    /// <summary>Creates the login and its db_owner user (the server must accept SQL logins).</summary>
    public static DbOwnerLogin Create(string server, ThrowawayDatabase database)
    {
        string login = "crmdb_owner_" + Guid.NewGuid().ToString("N")[..12];
        string password = "Aa1!" + Guid.NewGuid().ToString("N");
        Execute(server, "master", $"CREATE LOGIN [{login}] WITH PASSWORD = N'{password}', CHECK_POLICY = OFF;");
        Execute(server, database.Name, $"CREATE USER [{login}] FOR LOGIN [{login}]; ALTER ROLE db_owner ADD MEMBER [{login}];");
        var builder = new SqlConnectionStringBuilder(database.ConnectionString) { IntegratedSecurity = false, UserID = login, Password = password };
        return new DbOwnerLogin(server, login, builder.ConnectionString);
    }

    /// <summary>Grants a server permission to the login.</summary>
    public void GrantOnServer(string permission) => Execute(server, "master", $"GRANT {permission} TO [{Login}];");

    public void Dispose()
    {
        SqlConnection.ClearAllPools();
        Execute(server, "master", $"IF SUSER_ID(N'{Login}') IS NOT NULL DROP LOGIN [{Login}];");
    }

    private static void Execute(string server, string database, string sql)
    {
        using var connection = new SqlConnection(new SqlConnectionStringBuilder(server) { InitialCatalog = database }.ConnectionString);
        connection.Open();
        using var command = new SqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
