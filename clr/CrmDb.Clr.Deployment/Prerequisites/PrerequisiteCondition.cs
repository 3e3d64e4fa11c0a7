using System.Globalization;

namespace CrmDb.Clr.Deployment.Prerequisites;

/// <summary>
/// When a rule of the decision table applies: comparisons of facts with constants, joined by AND.
/// Evaluated in three-valued logic, in C# as T-SQL does it: an unknown fact gives an unknown
/// outcome unless another clause already decides (false AND unknown is false), which is what
/// lets an unreadable fact block only where it decides.
/// </summary>
public abstract class PrerequisiteCondition
{
    /// <summary>true, false, or null when unknown facts leave it open.</summary>
    public abstract bool? Evaluate(PrerequisiteFacts facts);

    /// <summary>The same predicate in T-SQL over the variables of <see cref="PrerequisiteFactsSql"/>.</summary>
    public abstract string ToSql();

    /// <summary>The facts it reads, in order.</summary>
    public abstract IEnumerable<PrerequisiteFact> Facts { get; }

    /// <summary>Both conditions.</summary>
    public PrerequisiteCondition And(PrerequisiteCondition other) => new Conjunction([this, other]);

    /// <summary>fact &lt; value.</summary>
    public static PrerequisiteCondition Below(PrerequisiteFact fact, int value) => new Comparison(fact, "<", value);

    /// <summary>fact &gt;= value.</summary>
    public static PrerequisiteCondition AtLeast(PrerequisiteFact fact, int value) => new Comparison(fact, ">=", value);

    /// <summary>fact = value (bit or text; text compares case-insensitively, like the engine's catalog collation).</summary>
    public static PrerequisiteCondition Is(PrerequisiteFact fact, object value) => new Comparison(fact, "=", value);

    /// <summary>fact &lt;&gt; value.</summary>
    public static PrerequisiteCondition IsNot(PrerequisiteFact fact, object value) => new Comparison(fact, "<>", value);

    private sealed class Comparison(PrerequisiteFact fact, string op, object value) : PrerequisiteCondition
    {
        public override IEnumerable<PrerequisiteFact> Facts => [fact];

        public override bool? Evaluate(PrerequisiteFacts facts)
        {
            object? actual = fact.Read(facts);
            if (actual is null)
            {
                return null;
            }

            int order = (actual, value) switch
            {
                (int a, int b) => a.CompareTo(b),
                (bool a, bool b) => a == b ? 0 : 1,
                (string a, string b) => string.Compare(a, b, StringComparison.OrdinalIgnoreCase),
                _ => throw new InvalidOperationException($"{fact.Name} ({actual.GetType().Name}) cannot be compared with {value.GetType().Name}."),
            };
            return op switch
            {
                "<" => order < 0,
                ">=" => order >= 0,
                "=" => order == 0,
                _ => order != 0,
            };
        }

        public override string ToSql()
        {
            string literal = value switch
            {
                bool b => b ? "1" : "0",
                int i => i.ToString(CultureInfo.InvariantCulture),
                _ => SqlName.Literal((string)value),
            };
            return fact.Variable + " " + op + " " + literal;
        }
    }

    private sealed class Conjunction(IReadOnlyList<PrerequisiteCondition> parts) : PrerequisiteCondition
    {
        public override IEnumerable<PrerequisiteFact> Facts => parts.SelectMany(p => p.Facts);

        public override bool? Evaluate(PrerequisiteFacts facts)
        {
            var outcomes = parts.Select(p => p.Evaluate(facts)).ToList();
            if (outcomes.Contains(false))
            {
                return false;
            }

            return outcomes.Contains(null) ? null : true;
        }

        public override string ToSql() => string.Join(" AND ", parts.Select(p => p.ToSql()));
    }
}
