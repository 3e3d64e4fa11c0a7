namespace CrmDb.Tests.Runner;

/// <summary>The tests that set CRMDB_PASSWORD, run one at a time so that none sees another's value.</summary>
[CollectionDefinition(Name)]
public sealed class PasswordEnvironment
{
    /// <summary>The collection's name.</summary>
    public const string Name = "CRMDB_PASSWORD";
}
