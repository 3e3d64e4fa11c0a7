namespace CrmDb.Clr.Deployment.Prerequisites;

/// <summary>
/// One row of the decision table: when <see cref="When"/> holds, the message
/// <see cref="MessageKey"/> (runner/Resources/Deployment*.resx) filled with
/// <see cref="Arguments"/>; a blocking row stops the deployment.
/// </summary>
public sealed record PrerequisiteRule(
    string Id,
    bool Blocking,
    PrerequisiteCondition When,
    string MessageKey,
    params PrerequisiteFact[] Arguments);

/// <summary>What a rule says about the facts: a message key and its arguments (null: an unknown value).</summary>
public sealed record PrerequisiteResult(PrerequisiteRule Rule, bool Blocking, bool FactUnknown, string MessageKey, IReadOnlyList<string?> Arguments);
