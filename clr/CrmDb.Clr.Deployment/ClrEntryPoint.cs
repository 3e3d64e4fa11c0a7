namespace CrmDb.Clr.Deployment;

/// <summary>What a T-SQL wrapper is made from: one [SqlFunction] or [SqlProcedure] method.</summary>
public sealed record ClrEntryPoint(
    ClrEntryPointKind Kind,
    string SqlName,
    string ClassName,
    string MethodName,
    IReadOnlyList<ClrParameter> Parameters,
    string ReturnSqlType,
    string? TableDefinition);

/// <summary>Scalar or table-valued function, or procedure.</summary>
public enum ClrEntryPointKind
{
    ScalarFunction,
    TableFunction,
    Procedure,
}

/// <summary>One parameter with its T-SQL type and direction.</summary>
public sealed record ClrParameter(string Name, string SqlType, bool IsOutput);
