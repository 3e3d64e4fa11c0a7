using System.Collections;
using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CrmDb.CodeAnalysis;

/// <summary>One place where a transaction can be left open, or where the rule cannot follow.</summary>
internal sealed record PathFinding(string Message, TSqlFragment Fragment);

/// <summary>
/// Follows the paths of one procedure body and reports each BEGIN TRANSACTION that can still be
/// open where a path ends (RETURN, THROW, the end of the body).
///
/// What it follows: statement blocks, IF/ELSE, WHILE (zero or more rounds, BREAK, CONTINUE),
/// TRY/CATCH (any statement of a TRY may fail and enter the CATCH; THROW and RAISERROR with a
/// literal severity of 11 or more do), RETURN and THROW. BEGIN TRANSACTION opens, COMMIT closes
/// the innermost, ROLLBACK closes all, ROLLBACK to a name used by SAVE TRANSACTION closes none.
///
/// What it knows about conditions: it remembers the outcome of tests on variables, @@TRANCOUNT
/// and XACT_STATE() along each path, so that "IF @TranCount = 0 BEGIN TRANSACTION ... IF
/// @TranCount = 0 COMMIT" and "IF XACT_STATE() &lt;&gt; 0 ROLLBACK" are understood, until the
/// variable is assigned again (with three-valued logic: a NULL variable takes the ELSE). Only
/// conditions of an IF or WHILE that holds a transaction statement, RETURN, THROW, RAISERROR,
/// BREAK, CONTINUE or GOTO, or that read @@TRANCOUNT or XACT_STATE(), are remembered.
/// Conditions that read tables, functions or other @@ values are taken both ways.
///
/// What it does not see: procedures it calls, dynamic SQL, GOTO (reported instead), errors that
/// end the batch outside TRY/CATCH while XACT_ABORT is OFF (conversion errors, for example),
/// and SET IMPLICIT_TRANSACTIONS ON. With XACT_ABORT ON, an error or THROW outside TRY/CATCH
/// rolls the transaction back, so such a path is not reported.
/// </summary>
internal sealed partial class TransactionPaths
{
    private const string TranCount = "n:@@trancount";
    private const string XactState = "x:xact_state";
    private const int MaxNesting = 3;
    private const int MaxTerms = 32;
    private const int RoundsBeforeWidening = 20;
    private const int MaxStates = 512;

    // Abstract values of numbers (bits of a fact's mask).
    private const int Negative = 0b0001;
    private const int Zero = 0b0010;
    private const int Positive = 0b0100;
    private const int Null = 0b1000;

    private enum Truth
    {
        True,
        False,
        Unknown,
    }

    private readonly HashSet<string> savepointNames;
    private readonly HashSet<BooleanExpression> decisive = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, HashSet<string>> variablesOfFact = [];
    private readonly Dictionary<BeginTransactionStatement, PathFinding> leaks = [];
    private readonly List<PathFinding> unfollowable = [];

    private TransactionPaths(ProcedureStatementBody procedure)
    {
        savepointNames = Fragments.All<SaveTransactionStatement>(procedure)
            .Select(save => NameOf(save.Name))
            .OfType<string>()
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        // Only conditions that decide something about transactions or where a path goes are
        // remembered: remembering every parameter check would multiply the paths for nothing.
        foreach (var ifStatement in Fragments.All<IfStatement>(procedure))
        {
            if (Decides(ifStatement.ThenStatement) || Decides(ifStatement.ElseStatement) || ReadsTransactionState(ifStatement.Predicate))
            {
                decisive.Add(ifStatement.Predicate);
            }
        }

        foreach (var loop in Fragments.All<WhileStatement>(procedure))
        {
            if (Decides(loop.Statement) || ReadsTransactionState(loop.Predicate))
            {
                decisive.Add(loop.Predicate);
            }
        }
    }

    private static bool Decides(TSqlFragment? fragment) =>
        fragment is not null
        && (Fragments.All<TransactionStatement>(fragment).Count > 0
            || Fragments.All<ReturnStatement>(fragment).Count > 0
            || Fragments.All<ThrowStatement>(fragment).Count > 0
            || Fragments.All<RaiseErrorStatement>(fragment).Count > 0
            || Fragments.All<BreakStatement>(fragment).Count > 0
            || Fragments.All<ContinueStatement>(fragment).Count > 0
            || Fragments.All<GoToStatement>(fragment).Count > 0);

    private static bool ReadsTransactionState(BooleanExpression predicate) =>
        Fragments.All<GlobalVariableExpression>(predicate).Any(g => string.Equals(g.Name, "@@TRANCOUNT", StringComparison.OrdinalIgnoreCase))
        || Fragments.All<FunctionCall>(predicate).Any(f => string.Equals(f.FunctionName.Value, "XACT_STATE", StringComparison.OrdinalIgnoreCase));

    /// <summary>Every transaction that a path can leave open, and every GOTO the rule cannot follow.</summary>
    public static IReadOnlyList<PathFinding> Find(ProcedureStatementBody procedure)
    {
        if (procedure.StatementList is null || Fragments.All<BeginTransactionStatement>(procedure).Count == 0)
        {
            return [];
        }

        var analysis = new TransactionPaths(procedure);
        var start = new PathSet { State.Initial };
        PathSet end = analysis.WalkList(procedure.StatementList, start, Context.Outermost);
        analysis.Exit(end, "the end of the procedure", procedure.StatementList.Statements.LastOrDefault() ?? (TSqlFragment)procedure);
        return [.. analysis.leaks.Values.OrderBy(f => f.Fragment.StartOffset), .. analysis.unfollowable];
    }

    private PathSet WalkList(StatementList? list, PathSet input, Context context)
    {
        PathSet current = input;
        foreach (TSqlStatement statement in list?.Statements ?? [])
        {
            current = Walk(statement, current, context);
        }

        return current;
    }

    private PathSet Walk(TSqlStatement statement, PathSet input, Context context)
    {
        if (input.Count == 0)
        {
            return input;
        }

        if (input.Count > MaxStates)
        {
            // Too many distinct paths: keep what is known about transactions, forget the variables.
            input = input.Select(state => state with { Facts = state.Facts.RemoveRange(state.Facts.Keys.Where(k => k != TranCount && k != XactState)) });
        }

        // Inside a TRY, any statement may fail before it changes anything: the CATCH starts from here.
        context.Errors?.AddRange(input);
        switch (statement)
        {
            case BeginEndBlockStatement block: // BEGIN ATOMIC blocks too
                return WalkList(block.StatementList, input, context);
            case IfStatement ifStatement:
            {
                PathSet then = Walk(ifStatement.ThenStatement, Branch(input, ifStatement.Predicate, true), context);
                PathSet otherwise = Branch(input, ifStatement.Predicate, false);
                if (ifStatement.ElseStatement is not null)
                {
                    otherwise = Walk(ifStatement.ElseStatement, otherwise, context);
                }

                then.AddRange(otherwise);
                return then;
            }

            case WhileStatement loop:
                return WalkLoop(loop, input, context);
            case TryCatchStatement tryCatch:
            {
                var errors = new PathSet();
                PathSet afterTry = WalkList(tryCatch.TryStatements, input, context with { Errors = errors });
                var catchStart = new PathSet();
                foreach (State state in errors)
                {
                    // The error may have doomed the transaction (XACT_STATE() = -1) or left it committable.
                    catchStart.Add(state with
                    {
                        Facts = state.Open.Count > 0 ? state.Facts.SetItem(XactState, Negative | Positive) : state.Facts.Remove(XactState),
                    });
                }

                afterTry.AddRange(WalkList(tryCatch.CatchStatements, catchStart, context));
                return afterTry;
            }

            case ReturnStatement returnStatement:
                Exit(input, $"RETURN at line {returnStatement.StartLine}", returnStatement);
                return new PathSet();
            case BreakStatement:
                context.Break?.AddRange(input);
                return context.Break is null ? input : new PathSet();
            case ContinueStatement:
                context.Continue?.AddRange(input);
                return context.Continue is null ? input : new PathSet();
            case ThrowStatement throwStatement:
                if (context.Errors is null)
                {
                    // Outside TRY/CATCH, THROW ends the batch; with XACT_ABORT ON it also rolls back.
                    Exit(input.Where(state => !state.XactAbort), $"THROW at line {throwStatement.StartLine}", throwStatement);
                }

                return new PathSet();
            case RaiseErrorStatement raiseError:
            {
                long? severity = IntegerValue(raiseError.SecondParameter);
                // Severity 11 or more inside TRY enters the CATCH (already recorded above); outside, the batch goes on.
                return context.Errors is not null && severity >= 11 ? new PathSet() : input;
            }

            case GoToStatement goTo:
                unfollowable.Add(new PathFinding(
                    $"GOTO at line {goTo.StartLine} in a procedure that begins a transaction: the rule cannot follow the jump, so it cannot check that the transaction is closed. Write the flow with IF, WHILE and TRY...CATCH.",
                    goTo));
                return input;
            case BeginTransactionStatement begin:
                return input.Select(state => state with
                {
                    Open = state.Open.Count < MaxNesting ? state.Open.Add(begin) : state.Open,
                    Facts = state.Facts.SetItem(TranCount, Positive).SetItem(XactState, Positive),
                });
            case CommitTransactionStatement:
                return input.Select(state =>
                {
                    var open = state.Open.Count > 0 ? state.Open.RemoveAt(state.Open.Count - 1) : state.Open;
                    var facts = state.Facts.Remove(TranCount).Remove(XactState);
                    return state with { Open = open, Facts = open.Count > 0 ? facts.SetItem(TranCount, Positive).SetItem(XactState, Positive) : facts };
                });
            case RollbackTransactionStatement rollback:
                if (NameOf(rollback.Name) is { } name && savepointNames.Contains(name))
                {
                    return input;
                }

                return input.Select(state => state with
                {
                    Open = [],
                    Facts = state.Facts.SetItem(TranCount, Zero).SetItem(XactState, Zero),
                });
            case PredicateSetStatement set when set.Options.HasFlag(SetOptions.XactAbort):
                return input.Select(state => state with { XactAbort = set.IsOn });
            default:
                return Forget(input, AssignedVariables(statement));
        }
    }

    private PathSet WalkLoop(WhileStatement loop, PathSet input, Context context)
    {
        var exits = new PathSet();
        var breaks = new PathSet();
        var continues = new PathSet();
        var inside = context with { Break = breaks, Continue = continues };
        var seen = new PathSet();
        PathSet pending = input;
        for (int round = 1; ; round++)
        {
            // Past a few rounds, forget what was learnt about conditions so that the walk ends.
            var fresh = new PathSet();
            foreach (State state in pending)
            {
                State candidate = round > RoundsBeforeWidening ? state with { Facts = State.Initial.Facts } : state;
                if (!seen.Contains(candidate))
                {
                    fresh.Add(candidate);
                }
            }

            if (fresh.Count == 0)
            {
                break;
            }

            seen.AddRange(fresh);
            context.Errors?.AddRange(fresh);
            exits.AddRange(Branch(fresh, loop.Predicate, false));
            PathSet afterBody = Walk(loop.Statement, Branch(fresh, loop.Predicate, true), inside);
            afterBody.AddRange(continues);
            continues.Clear();
            pending = afterBody;
        }

        exits.AddRange(breaks);
        return exits;
    }

    private void Exit(IEnumerable<State> states, string where, TSqlFragment at)
    {
        foreach (State state in states)
        {
            foreach (BeginTransactionStatement begin in state.Open)
            {
                leaks.TryAdd(begin, new PathFinding(
                    $"the transaction begun at line {begin.StartLine} can still be open at {where}. Commit or roll it back on that path (in CATCH: IF XACT_STATE() <> 0 ROLLBACK TRANSACTION; before THROW).",
                    begin));
            }
        }
    }

    /// <summary>The paths of <paramref name="input"/> that take the THEN branch (<paramref name="value"/> true) or the ELSE branch.</summary>
    private PathSet Branch(PathSet input, BooleanExpression predicate, bool value)
    {
        // ELSE is taken when the condition is false or unknown (NULL).
        IReadOnlyList<Term> terms = !decisive.Contains(predicate) ? [Term.Empty] : value
            ? Outcomes(predicate, Truth.True)
            : Either(Outcomes(predicate, Truth.False), Outcomes(predicate, Truth.Unknown));
        var output = new PathSet();
        foreach (State state in input)
        {
            foreach (Term term in terms)
            {
                if (Assume(state, term) is { } assumed)
                {
                    output.Add(assumed);
                }
            }
        }

        return output;
    }

    private static State? Assume(State state, Term term)
    {
        var facts = state.Facts;
        foreach (var (key, mask) in term)
        {
            int known = facts.TryGetValue(key, out int existing) ? existing : Full(key);
            int narrowed = known & mask;
            if (narrowed == 0)
            {
                return null;
            }

            facts = facts.SetItem(key, narrowed);
        }

        // Our own transaction is open: a path where the engine says there is none does not exist.
        bool noTransaction = (facts.TryGetValue(TranCount, out int count) && count == Zero)
            || (facts.TryGetValue(XactState, out int xact) && xact == Zero);
        return state.Open.Count > 0 && noTransaction ? null : state with { Facts = facts };
    }

    /// <summary>
    /// The ways <paramref name="expression"/> can evaluate to <paramref name="truth"/> (T-SQL's
    /// three-valued logic), as alternative sets of facts: a disjunction of conjunctions.
    /// A single empty term means "possible, nothing learnt"; no term means "impossible".
    /// </summary>
    private IReadOnlyList<Term> Outcomes(BooleanExpression expression, Truth truth)
    {
        IReadOnlyList<Term> terms = expression switch
        {
            BooleanParenthesisExpression parenthesis => Outcomes(parenthesis.Expression, truth),
            BooleanNotExpression not => Outcomes(not.Expression, truth switch
            {
                Truth.True => Truth.False,
                Truth.False => Truth.True,
                _ => Truth.Unknown,
            }),
            BooleanBinaryExpression { BinaryExpressionType: BooleanBinaryExpressionType.And } and => truth switch
            {
                Truth.True => Both(Outcomes(and.FirstExpression, Truth.True), Outcomes(and.SecondExpression, Truth.True)),
                Truth.False => Either(Outcomes(and.FirstExpression, Truth.False), Outcomes(and.SecondExpression, Truth.False)),
                _ => Either(
                    Both(Outcomes(and.FirstExpression, Truth.Unknown), Either(Outcomes(and.SecondExpression, Truth.True), Outcomes(and.SecondExpression, Truth.Unknown))),
                    Both(Outcomes(and.FirstExpression, Truth.True), Outcomes(and.SecondExpression, Truth.Unknown))),
            },
            BooleanBinaryExpression { BinaryExpressionType: BooleanBinaryExpressionType.Or } or => truth switch
            {
                Truth.True => Either(Outcomes(or.FirstExpression, Truth.True), Outcomes(or.SecondExpression, Truth.True)),
                Truth.False => Both(Outcomes(or.FirstExpression, Truth.False), Outcomes(or.SecondExpression, Truth.False)),
                _ => Either(
                    Both(Outcomes(or.FirstExpression, Truth.Unknown), Either(Outcomes(or.SecondExpression, Truth.False), Outcomes(or.SecondExpression, Truth.Unknown))),
                    Both(Outcomes(or.FirstExpression, Truth.False), Outcomes(or.SecondExpression, Truth.Unknown))),
            },
            BooleanComparisonExpression comparison => Compare(comparison, truth),
            BooleanIsNullExpression { Expression: VariableReference variable } isNull => IsNull(variable, isNull.IsNot, truth),
            _ => Atom(expression, truth),
        };
        return terms.Count > MaxTerms ? [Term.Empty] : terms;
    }

    private static IReadOnlyList<Term> Both(IReadOnlyList<Term> left, IReadOnlyList<Term> right)
    {
        var terms = new List<Term>();
        foreach (Term a in left)
        {
            foreach (Term b in right)
            {
                if (a.And(b) is { } merged)
                {
                    terms.Add(merged);
                }
            }
        }

        return terms;
    }

    private static IReadOnlyList<Term> Either(IReadOnlyList<Term> left, IReadOnlyList<Term> right) => [.. left, .. right];

    private IReadOnlyList<Term> Compare(BooleanComparisonExpression comparison, Truth truth)
    {
        ScalarExpression left = Unwrap(comparison.FirstExpression);
        ScalarExpression right = Unwrap(comparison.SecondExpression);
        BooleanComparisonType type = comparison.ComparisonType;
        if (IntegerValue(left) is { } a && IntegerValue(right) is { } b)
        {
            // A constant condition, such as WHILE 1 = 1, goes one way only.
            return Evaluate(type, a, a, b) switch
            {
                true => truth == Truth.True ? [Term.Empty] : [],
                false => truth == Truth.False ? [Term.Empty] : [],
                null => Atom(comparison, truth),
            };
        }

        if (IntegerValue(left) is not null && OperandKey(right) is not null)
        {
            (left, right, type) = (right, left, Mirror(type));
        }

        if (OperandKey(left) is not { } key || IntegerValue(right) is not { } literal)
        {
            return Atom(comparison, truth);
        }

        // Each abstract value of the operand makes the comparison true, false, or (when it
        // stands for several numbers that disagree) cannot be told: then fall back to the text.
        int whenTrue = 0, whenFalse = 0;
        foreach (var (bit, low, high) in Intervals(key))
        {
            switch (Evaluate(type, low, high, literal))
            {
                case true:
                    whenTrue |= bit;
                    break;
                case false:
                    whenFalse |= bit;
                    break;
                default:
                    return Atom(comparison, truth);
            }
        }

        variablesOfFact.TryAdd(key, key == TranCount || key == XactState ? [] : [key[2..]]);
        int wanted = truth switch
        {
            Truth.True => whenTrue,
            Truth.False => whenFalse,
            _ => Full(key) & Null,
        };
        return wanted == 0 ? [] : [Term.Of(key, wanted)];
    }

    private IReadOnlyList<Term> IsNull(VariableReference variable, bool isNot, Truth truth)
    {
        string key = "n:" + variable.Name.ToLowerInvariant();
        variablesOfFact.TryAdd(key, [key[2..]]);
        int nullMask = isNot ? Full(key) & ~Null : Null;
        return truth switch
        {
            Truth.True => [Term.Of(key, nullMask)],
            Truth.False => [Term.Of(key, Full(key) & ~nullMask)],
            _ => [],
        };
    }

    /// <summary>A condition remembered by its text, if it reads only variables and literals.</summary>
    private IReadOnlyList<Term> Atom(BooleanExpression expression, Truth truth)
    {
        bool stable = Fragments.All<FunctionCall>(expression).Count == 0
            && Fragments.All<ScalarSubquery>(expression).Count == 0
            && Fragments.All<GlobalVariableExpression>(expression).Count == 0
            && Fragments.All<ColumnReferenceExpression>(expression).Count == 0;
        if (!stable)
        {
            return [Term.Empty];
        }

        var generator = new Sql140ScriptGenerator();
        generator.GenerateScript(expression, out string text);
        string key = "b:" + Spaces().Replace(text.ToUpperInvariant(), " ");
        variablesOfFact.TryAdd(key, Fragments.All<VariableReference>(expression).Select(v => v.Name).ToHashSet(StringComparer.OrdinalIgnoreCase));
        return [Term.Of(key, truth switch { Truth.True => 0b001, Truth.False => 0b010, _ => 0b100 })];
    }

    /// <summary>Forgets what was known about <paramref name="variables"/> once they are assigned.</summary>
    private PathSet Forget(PathSet input, IReadOnlySet<string> variables)
    {
        if (variables.Count == 0)
        {
            return input;
        }

        var stale = variablesOfFact.Where(pair => pair.Value.Overlaps(variables)).Select(pair => pair.Key).ToList();
        return stale.Count == 0 ? input : input.Select(state => state with { Facts = state.Facts.RemoveRange(stale) });
    }

    private static HashSet<string> AssignedVariables(TSqlStatement statement)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var set in Fragments.All<SetVariableStatement>(statement))
        {
            names.Add(set.Variable.Name);
        }

        foreach (var select in Fragments.All<SelectSetVariable>(statement))
        {
            names.Add(select.Variable.Name);
        }

        foreach (var declare in Fragments.All<DeclareVariableElement>(statement))
        {
            names.Add(declare.VariableName.Value);
        }

        foreach (var assignment in Fragments.All<AssignmentSetClause>(statement))
        {
            if (assignment.Variable is not null)
            {
                names.Add(assignment.Variable.Name);
            }
        }

        foreach (var parameter in Fragments.All<ExecuteParameter>(statement))
        {
            if (parameter.IsOutput && parameter.ParameterValue is VariableReference output)
            {
                names.Add(output.Name);
            }
        }

        foreach (var fetch in Fragments.All<FetchCursorStatement>(statement))
        {
            foreach (var into in fetch.IntoVariables)
            {
                names.Add(into.Name);
            }
        }

        return names;
    }

    private static string? OperandKey(ScalarExpression expression) => expression switch
    {
        VariableReference variable => "n:" + variable.Name.ToLowerInvariant(),
        GlobalVariableExpression global when string.Equals(global.Name, "@@TRANCOUNT", StringComparison.OrdinalIgnoreCase) => TranCount,
        FunctionCall { CallTarget: null, Parameters.Count: 0 } call
            when string.Equals(call.FunctionName.Value, "XACT_STATE", StringComparison.OrdinalIgnoreCase) => XactState,
        _ => null,
    };

    /// <summary>
    /// The abstract values of an operand, each a bit and the interval of numbers it stands for.
    /// Variables: negative, zero, positive (and NULL, which compares to nothing).
    /// @@TRANCOUNT: zero, positive. XACT_STATE(): -1, 0, 1.
    /// </summary>
    private static IEnumerable<(int Bit, long Low, long High)> Intervals(string key)
    {
        if (key == XactState)
        {
            return [(Negative, -1, -1), (Zero, 0, 0), (Positive, 1, 1)];
        }

        var all = new (int Bit, long Low, long High)[] { (Negative, long.MinValue, -1), (Zero, 0, 0), (Positive, 1, long.MaxValue) };
        return all.Where(interval => (Full(key) & interval.Bit) != 0);
    }

    /// <summary>Whether "x type literal" holds for every x in [low, high] (true), for none (false), or for some only (null).</summary>
    private static bool? Evaluate(BooleanComparisonType type, long low, long high, long literal)
    {
        (bool all, bool none) = type switch
        {
            BooleanComparisonType.Equals => (low == literal && high == literal, literal < low || literal > high),
            BooleanComparisonType.NotEqualToBrackets or BooleanComparisonType.NotEqualToExclamation =>
                (literal < low || literal > high, low == literal && high == literal),
            BooleanComparisonType.GreaterThan => (low > literal, high <= literal),
            BooleanComparisonType.GreaterThanOrEqualTo or BooleanComparisonType.NotLessThan => (low >= literal, high < literal),
            BooleanComparisonType.LessThan => (high < literal, low >= literal),
            BooleanComparisonType.LessThanOrEqualTo or BooleanComparisonType.NotGreaterThan => (high <= literal, low > literal),
            _ => (false, false),
        };
        return all ? true : none ? false : null;
    }

    private static BooleanComparisonType Mirror(BooleanComparisonType type) => type switch
    {
        BooleanComparisonType.GreaterThan => BooleanComparisonType.LessThan,
        BooleanComparisonType.LessThan => BooleanComparisonType.GreaterThan,
        BooleanComparisonType.GreaterThanOrEqualTo => BooleanComparisonType.LessThanOrEqualTo,
        BooleanComparisonType.LessThanOrEqualTo => BooleanComparisonType.GreaterThanOrEqualTo,
        BooleanComparisonType.NotLessThan => BooleanComparisonType.NotGreaterThan,
        BooleanComparisonType.NotGreaterThan => BooleanComparisonType.NotLessThan,
        _ => type,
    };

    private static ScalarExpression Unwrap(ScalarExpression expression) =>
        expression is ParenthesisExpression parenthesis ? Unwrap(parenthesis.Expression) : expression;

    private static long? IntegerValue(ScalarExpression? expression) => expression is null ? null : Unwrap(expression) switch
    {
        IntegerLiteral literal when long.TryParse(literal.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) => value,
        UnaryExpression { UnaryExpressionType: UnaryExpressionType.Negative } negative => -IntegerValue(negative.Expression),
        UnaryExpression { UnaryExpressionType: UnaryExpressionType.Positive } positive => IntegerValue(positive.Expression),
        _ => null,
    };

    /// <summary>Every abstract value a key can take.</summary>
    private static int Full(string key) => key switch
    {
        TranCount => Zero | Positive,
        XactState => Negative | Zero | Positive,
        _ when key.StartsWith("n:", StringComparison.Ordinal) => Negative | Zero | Positive | Null,
        _ => 0b111, // text conditions: true, false, unknown
    };

    private static string? NameOf(IdentifierOrValueExpression? name) => name switch
    {
        null => null,
        { Identifier: { } identifier } => identifier.Value,
        { ValueExpression: VariableReference variable } => variable.Name,
        { ValueExpression: StringLiteral literal } => literal.Value,
        _ => name.Value,
    };

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    /// <summary>Where errors, BREAK and CONTINUE send the paths at this point of the walk.</summary>
    private sealed record Context(PathSet? Errors, PathSet? Break, PathSet? Continue)
    {
        public static Context Outermost { get; } = new(null, null, null);
    }

    /// <summary>One path's knowledge: transactions it opened (innermost last), facts, XACT_ABORT.</summary>
    private sealed record State(ImmutableList<BeginTransactionStatement> Open, ImmutableSortedDictionary<string, int> Facts, bool XactAbort)
    {
        public static State Initial { get; } = new([], ImmutableSortedDictionary.Create<string, int>(StringComparer.Ordinal), false);

        public string Key =>
            string.Join(",", Open.Select(b => b.StartOffset)) + "|" + (XactAbort ? "1" : "0") + "|"
            + string.Join(";", Facts.Select(f => f.Key + "=" + f.Value));
    }

    /// <summary>A conjunction of facts: each key narrowed to a set of abstract values (a bit mask).</summary>
    private sealed class Term : IEnumerable<KeyValuePair<string, int>>
    {
        private readonly ImmutableSortedDictionary<string, int> facts;

        private Term(ImmutableSortedDictionary<string, int> facts) => this.facts = facts;

        public static Term Empty { get; } = new(ImmutableSortedDictionary.Create<string, int>(StringComparer.Ordinal));

        public static Term Of(string key, int mask) => new(Empty.facts.Add(key, mask));

        public Term? And(Term other)
        {
            var merged = facts;
            foreach (var (key, mask) in other.facts)
            {
                int narrowed = merged.TryGetValue(key, out int existing) ? existing & mask : mask;
                if (narrowed == 0)
                {
                    return null;
                }

                merged = merged.SetItem(key, narrowed);
            }

            return new Term(merged);
        }

        public IEnumerator<KeyValuePair<string, int>> GetEnumerator() => facts.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>A set of path states, without duplicates.</summary>
    private sealed class PathSet : IEnumerable<State>
    {
        private readonly Dictionary<string, State> states = new(StringComparer.Ordinal);

        public int Count => states.Count;

        public void Add(State state) => states.TryAdd(state.Key, state);

        public void AddRange(IEnumerable<State> more)
        {
            foreach (State state in more.ToList())
            {
                Add(state);
            }
        }

        public bool Contains(State state) => states.ContainsKey(state.Key);

        public void Clear() => states.Clear();

        public PathSet Select(Func<State, State> change)
        {
            var changed = new PathSet();
            foreach (State state in states.Values)
            {
                changed.Add(change(state));
            }

            return changed;
        }

        public IEnumerator<State> GetEnumerator() => states.Values.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
