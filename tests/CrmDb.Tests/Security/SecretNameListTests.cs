using System.Text.RegularExpressions;
using CrmDb.Clr;
using CrmDb.Tests.Infrastructure;

namespace CrmDb.Tests.Security;

/// <summary>Issue 14 item 4: one list of secret markers, in CrmDb.Clr and in dbo.MC_issecretname.</summary>
public sealed partial class SecretNameListTests
{
    [Fact]
    public void The_database_function_holds_the_same_markers_as_the_runner()
    {
        string sql = File.ReadAllText(Repository.PathOf("database", "dbo", "Functions", "MC_issecretname.sql"));
        string body = sql[sql.IndexOf("CREATE FUNCTION", StringComparison.Ordinal)..];
        var markers = Marker().Matches(body).Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(SecretNames.BuiltInMarkers().Order(StringComparer.Ordinal), markers.Order(StringComparer.Ordinal));
        Assert.Contains("dbo.MC_SecretName", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Mail_ApiKey", true)]
    [InlineData("ERP_CREDENTIAL", true)]
    [InlineData("smtp_password", true)]
    [InlineData("cleanUrl", false)]
    public void APIKEY_and_CREDENTIAL_are_secrets_too(string name, bool secret)
    {
        Assert.Equal(secret, SecretNames.IsSecret(name));
    }

    [GeneratedRegex(@"CHARINDEX\(N'([A-Z]+)', @Upper\)")]
    private static partial Regex Marker();
}
