using System.Text.Json;
using System.Text.RegularExpressions;
using CrmDb.Tests.Infrastructure;
using Microsoft.SqlServer.Dac;
using Microsoft.SqlServer.Dac.Model;

namespace CrmDb.Tests.Security;

/// <summary>
/// database/Security/rights-manifest.json against the built CrmDb.dacpac: every right an
/// operation promises a role is granted in the model (or by the post-deployment script, for the
/// objects created there); every grant the model holds is needed by an operation of that role;
/// the objects an operation reaches through ownership chaining are reached by its entry
/// procedure's code, in schema dbo (one owner, so no grant is needed); the statements the model
/// cannot see (dynamic SQL) are declared with who grants what they need.
/// </summary>
public sealed partial class RightsManifestTests
{
    private static readonly Lazy<Manifest> Declared = new(() => Manifest.Load(Repository.PathOf("database", "Security", "rights-manifest.json")));

    private static readonly Lazy<ModelFacts> Built = new(() => ModelFacts.Load(Repository.CrmDbDacpac));

    [Fact]
    public void Every_right_an_operation_needs_is_granted_and_every_grant_is_needed()
    {
        var problems = Compare(Declared.Value, Built.Value.Grants);

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        // The manifest speaks of every role the model creates, and of no other.
        Assert.Equal(Built.Value.Roles.Order(StringComparer.Ordinal), Declared.Value.Roles.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_comparison_reports_a_missing_right_and_a_grant_no_operation_needs()
    {
        var manifest = new Manifest(
            ["MC_integrator", "MC_support"],
            [new Operation("read", ["MC_support"], [new Right("dbo.MC_AutosyncRun", "SELECT"), new Right("dbo.MC_AutosyncStep", "SELECT")], [], [], [new DynamicStatement("x", "y", "DBA")])],
            []);
        var grants = new HashSet<Grant> { new("MC_support", "SELECT", "dbo.MC_AutosyncRun"), new("MC_support", "EXECUTE", "dbo.MC_print") };

        var problems = Compare(manifest, grants);

        Assert.Equal(
            [
                "read: MC_support needs SELECT on dbo.MC_AutosyncStep, which the model does not grant.",
                "MC_support holds EXECUTE on dbo.MC_print, which no operation of the manifest needs.",
            ],
            problems);
    }

    [Fact]
    public void Objects_reached_through_the_ownership_chain_are_reached_by_the_entry_procedure_in_schema_dbo()
    {
        var problems = new List<string>();
        foreach (Operation operation in Declared.Value.Operations.Where(o => o.Chain.Count > 0))
        {
            // The entry: the first procedure the operation executes.
            string entry = operation.Rights.First(r => r.Permission == "EXECUTE").Object;
            HashSet<string> reached = Built.Value.Reached(entry);
            foreach (string target in operation.Chain)
            {
                if (!target.StartsWith("dbo.", StringComparison.Ordinal))
                {
                    problems.Add($"{operation.Name}: {target} is not in schema dbo, so no ownership chain reaches it.");
                }
                else if (!reached.Contains(target))
                {
                    problems.Add($"{operation.Name}: {entry} does not reach {target} in its code; the chain is not what the manifest says.");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        // The reach is the code's, not everything: listing hooks never touches the watermarks.
        Assert.Contains("dbo.MC_ReplicationWatermark", Built.Value.Reached("dbo.MC_runautosync"));
        Assert.DoesNotContain("dbo.MC_ReplicationWatermark", Built.Value.Reached("dbo.MC_listautosync"));
    }

    [Fact]
    public void Rights_granted_after_deployment_are_in_the_post_deployment_script_and_dynamic_statements_name_who_grants()
    {
        string postDeployment = File.ReadAllText(Repository.PathOf("database", "Scripts", "Permissions.SysParams.Clr.sql"));
        foreach (Operation operation in Declared.Value.Operations)
        {
            foreach (Right right in operation.PostDeployment)
            {
                foreach (string role in operation.Roles)
                {
                    Assert.Contains($"GRANT {right.Permission} ON OBJECT::{right.Object} TO [{role}];", postDeployment, StringComparison.Ordinal);
                }
            }

            Assert.All(operation.Dynamic, d => Assert.False(string.IsNullOrWhiteSpace(d.Statement) || string.IsNullOrWhiteSpace(d.Needs) || string.IsNullOrWhiteSpace(d.GrantedBy), operation.Name));
            Assert.All(operation.Roles, role => Assert.Contains(role, Declared.Value.Roles));
        }

        foreach (Login login in Declared.Value.Logins)
        {
            Assert.All(login.MemberOf, role => Assert.Contains(role, Declared.Value.Roles));
            // A login's operations are operations of the roles it is a member of.
            Assert.All(login.Operations, name => Assert.Contains(Declared.Value.Operations, o => o.Name == name && o.Roles.Intersect(login.MemberOf).Any()));
        }
    }

    /// <summary>What the manifest promises and the model grants, compared both ways.</summary>
    private static List<string> Compare(Manifest manifest, IReadOnlySet<Grant> grants)
    {
        var problems = new List<string>();
        var needed = new HashSet<Grant>();
        foreach (Operation operation in manifest.Operations)
        {
            foreach (string role in operation.Roles)
            {
                foreach (Right right in operation.Rights)
                {
                    var grant = new Grant(role, right.Permission, right.Object);
                    needed.Add(grant);
                    if (!grants.Contains(grant))
                    {
                        problems.Add($"{operation.Name}: {role} needs {right.Permission} on {right.Object}, which the model does not grant.");
                    }
                }
            }
        }

        foreach (Grant grant in grants.Where(g => !needed.Contains(g)).OrderBy(g => g.ToString(), StringComparer.Ordinal))
        {
            problems.Add($"{grant.Role} holds {grant.Permission} on {grant.Object}, which no operation of the manifest needs.");
        }

        return problems;
    }

    public sealed record Grant(string Role, string Permission, string Object);

    public sealed record Right(string Object, string Permission);

    public sealed record DynamicStatement(string Statement, string Needs, string GrantedBy);

    public sealed record Operation(string Name, IReadOnlyList<string> Roles, IReadOnlyList<Right> Rights, IReadOnlyList<Right> PostDeployment, IReadOnlyList<string> Chain, IReadOnlyList<DynamicStatement> Dynamic);

    public sealed record Login(string Name, IReadOnlyList<string> MemberOf, IReadOnlyList<string> Operations);

    public sealed record Manifest(IReadOnlyList<string> Roles, IReadOnlyList<Operation> Operations, IReadOnlyList<Login> Logins)
    {
        public static Manifest Load(string path)
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            JsonElement root = document.RootElement;
            var roles = root.GetProperty("roles").EnumerateObject().Select(p => p.Name).ToList();
            var operations = root.GetProperty("operations").EnumerateArray().Select(o => new Operation(
                o.GetProperty("name").GetString()!,
                Strings(o, "roles"),
                Rights(o, "rights"),
                Rights(o, "postDeployment"),
                Strings(o, "chain"),
                o.GetProperty("dynamic").EnumerateArray()
                    .Select(d => new DynamicStatement(d.GetProperty("statement").GetString()!, d.GetProperty("needs").GetString()!, d.GetProperty("grantedBy").GetString()!))
                    .ToList())).ToList();
            var logins = root.GetProperty("logins").EnumerateArray()
                .Select(l => new Login(l.GetProperty("name").GetString()!, Strings(l, "memberOf"), Strings(l, "operations")))
                .ToList();
            return new Manifest(roles, operations, logins);
        }

        private static List<string> Strings(JsonElement element, string name) =>
            element.TryGetProperty(name, out JsonElement array) ? array.EnumerateArray().Select(e => e.GetString()!).ToList() : [];

        private static List<Right> Rights(JsonElement element, string name) =>
            element.TryGetProperty(name, out JsonElement array)
                ? array.EnumerateArray().Select(r => new Right(r.GetProperty("object").GetString()!, r.GetProperty("permission").GetString()!)).ToList()
                : [];
    }

    /// <summary>The grants, roles and code references of the built model.</summary>
    private sealed partial class ModelFacts
    {
        private readonly Dictionary<string, HashSet<string>> references;

        private ModelFacts(HashSet<Grant> grants, List<string> roles, Dictionary<string, HashSet<string>> references)
        {
            Grants = grants;
            Roles = roles;
            this.references = references;
        }

        public HashSet<Grant> Grants { get; }

        public List<string> Roles { get; }

        public static ModelFacts Load(string dacpac)
        {
            using var model = TSqlModel.LoadFromDacpac(dacpac, new ModelLoadOptions(DacSchemaModelStorageType.Memory, loadAsScriptBackedModel: false));
            var grants = new HashSet<Grant>();
            foreach (TSqlObject permission in model.GetObjects(DacQueryScopes.UserDefined, Permission.TypeClass))
            {
                // [Grant.Select.Object].[grantee].[grantor].[schema].[object]
                Match kind = PermissionName().Match(permission.Name.Parts[0]);
                Assert.True(kind.Success && kind.Groups["action"].Value == "Grant", "only GRANTs are expected in the model: " + permission.Name);
                string grantee = permission.GetReferenced(Permission.Grantee).Single().Name.Parts[^1];
                TSqlObject secured = permission.GetReferenced(Permission.SecuredObject).Single();
                grants.Add(new Grant(grantee, kind.Groups["permission"].Value.ToUpperInvariant(), string.Join(".", secured.Name.Parts)));
            }

            var roles = model.GetObjects(DacQueryScopes.UserDefined, Role.TypeClass).Select(r => r.Name.Parts[^1]).ToList();
            var references = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
            foreach (TSqlObject code in model.GetObjects(DacQueryScopes.UserDefined, Procedure.TypeClass, ScalarFunction.TypeClass, TableValuedFunction.TypeClass))
            {
                references[string.Join(".", code.Name.Parts)] = code.GetReferenced(DacQueryScopes.All)
                    .Where(r => r.Name.Parts.Count >= 2)
                    .Select(r => r.Name.Parts[0] + "." + r.Name.Parts[1])
                    .ToHashSet(StringComparer.OrdinalIgnoreCase);
            }

            return new ModelFacts(grants, roles, references);
        }

        /// <summary>Every object the code of <paramref name="entry"/> references, directly or through the code it calls.</summary>
        public HashSet<string> Reached(string entry)
        {
            var reached = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var pending = new Stack<string>([entry]);
            while (pending.Count > 0)
            {
                string current = pending.Pop();
                if (!references.TryGetValue(current, out HashSet<string>? direct))
                {
                    continue;
                }

                foreach (string target in direct)
                {
                    if (reached.Add(target))
                    {
                        pending.Push(target);
                    }
                }
            }

            return reached;
        }

        [GeneratedRegex("^(?<action>Grant|Deny|Revoke)\\.(?<permission>[A-Za-z]+)\\.Object$")]
        private static partial Regex PermissionName();
    }
}
