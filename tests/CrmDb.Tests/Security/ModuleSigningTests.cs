using System.Text.Json;
using CrmDb.Tests.Infrastructure;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CrmDb.Tests.Security;

/// <summary>
/// Issue 14 item 2 and 3, offline: no MC_ module runs EXECUTE AS; the post-deployment script
/// signs, counter-signs and grants exactly what database/Security/rights-manifest.json says
/// ("signing"), removes the private keys after signing, and is part of the package.
/// </summary>
public sealed class ModuleSigningTests
{
    private static readonly string Signing = File.ReadAllText(Repository.PathOf("database", "Scripts", "Signing.sql"));

    [Fact]
    public void No_MC_module_runs_EXECUTE_AS()
    {
        var offenders = new List<string>();
        foreach (string file in Directory.EnumerateFiles(Repository.PathOf("database", "dbo"), "*.sql", SearchOption.AllDirectories))
        {
            TSqlFragment fragment = SqlParsing.Parse(File.ReadAllText(file));
            if (SqlParsing.All<ExecuteAsProcedureOption>(fragment).Count > 0 || SqlParsing.All<ExecuteAsFunctionOption>(fragment).Count > 0
                || SqlParsing.All<ExecuteAsStatement>(fragment).Count > 0)
            {
                offenders.Add(Path.GetFileName(file));
            }
        }

        Assert.Empty(offenders);
    }

    [Fact]
    public void The_signing_script_signs_and_grants_what_the_manifest_says_and_nothing_else()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Repository.PathOf("database", "Security", "rights-manifest.json")));
        int rows = 0;
        int grants = 0;
        foreach (JsonElement certificate in manifest.RootElement.GetProperty("signing").EnumerateArray())
        {
            string name = certificate.GetProperty("certificate").GetString()!;
            foreach ((string property, int counter) in new[] { ("signs", 0), ("counterSigns", 1) })
            {
                foreach (JsonElement module in certificate.GetProperty(property).EnumerateArray())
                {
                    string procedure = module.GetString()!["dbo.".Length..];
                    Assert.Contains($"(N'{name}', N'{procedure}', {counter})", Signing, StringComparison.Ordinal);
                    rows++;
                }
            }

            foreach (JsonElement grant in certificate.GetProperty("grants").EnumerateArray())
            {
                Assert.Contains($"(N'{name}', N'{grant.GetString()}')", Signing, StringComparison.Ordinal);
                grants++;
            }
        }

        // Nothing more is signed or granted than the manifest lists.
        Assert.Equal(rows, CountOccurrences(Signing, "Signing', N'MC_"));
        Assert.Equal(grants, CountOccurrences(Signing, "N'GRANT "));
        Assert.DoesNotContain("EXECUTE ON SCHEMA::dbo TO [MC_SysParamsSigning]", Signing, StringComparison.Ordinal);
    }

    [Fact]
    public void The_private_key_is_removed_after_signing_and_the_password_is_random()
    {
        int sign = Signing.IndexOf("SIGNATURE TO OBJECT::dbo.", StringComparison.Ordinal);
        int remove = Signing.IndexOf("REMOVE PRIVATE KEY", StringComparison.Ordinal);
        int drop = Signing.IndexOf("N'DROP CERTIFICATE '", StringComparison.Ordinal);

        Assert.True(drop >= 0 && sign > drop && remove > sign, "drop the old certificate, sign, then remove the private key");
        Assert.Contains("NEWID()", Signing, StringComparison.Ordinal);
        // Every password in the script is the random one, never a literal.
        Assert.All(
            System.Text.RegularExpressions.Regex.Matches(Signing, "PASSWORD = ").Select(m => Signing.Substring(m.Index + m.Length, 32)),
            after => Assert.StartsWith("' + QUOTENAME(@Password, N'''')", after, StringComparison.Ordinal));
        // The script is T-SQL the engine reads.
        SqlParsing.Parse(Signing);
    }

    [Fact]
    public void The_package_runs_the_signing_script_after_every_publish_and_lists_hooks_that_grant_support()
    {
        using var archive = System.IO.Compression.ZipFile.OpenRead(Repository.CrmDbDacpac);
        string postDeploy = new StreamReader(archive.GetEntry("postdeploy.sql")!.Open()).ReadToEnd();

        Assert.Contains("ADD ' + CASE WHEN S.IsCounter = 1 THEN N'COUNTER ' ELSE N'' END + N'SIGNATURE TO OBJECT::dbo.'", postDeploy, StringComparison.Ordinal);
        Assert.Contains("DATABASE_PRINCIPAL_ID(N'MC_support')", postDeploy, StringComparison.Ordinal);
        // Listed, never changed: the hooks are the integrators' objects.
        Assert.DoesNotContain("EXEC sys.sp_executesql @Hook", postDeploy, StringComparison.Ordinal);
        Assert.Contains("REVOKE EXECUTE, VIEW DEFINITION ON OBJECT::' + @Hook", postDeploy, StringComparison.Ordinal);
    }

    private static int CountOccurrences(string text, string value)
    {
        int count = 0;
        for (int i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
