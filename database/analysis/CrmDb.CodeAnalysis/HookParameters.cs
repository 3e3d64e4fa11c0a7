using CrmDb.Clr.Autosync;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CrmDb.CodeAnalysis;

/// <summary>
/// A declared parameter as the runtime sees it in sys.parameters (system type, max_length in
/// bytes, alias type), read from the procedure's text, so that CRMDB01 judges it with the
/// runtime's own <see cref="HookBindingPlan"/>.
/// </summary>
internal static class HookParameters
{
    /// <summary>The catalog description of <paramref name="parameter"/>.</summary>
    public static HookParameter From(ProcedureParameter parameter)
    {
        string name = parameter.VariableName.Value;
        bool isOutput = parameter.Modifier == ParameterModifier.Output;
        bool isReadOnly = parameter.Modifier == ParameterModifier.ReadOnly;
        bool hasDefault = parameter.Value is not null;
        switch (parameter.DataType)
        {
            case SqlDataTypeReference sql:
                string typeName = sql.SqlDataTypeOption.ToString().ToLowerInvariant();
                return new HookParameter(name, typeName, null, MaxLength(sql), Number(sql, 0), Number(sql, 1), isOutput, isReadOnly, hasDefault);
            case UserDataTypeReference user when string.Equals(user.Name.BaseIdentifier.Value, "sysname", StringComparison.OrdinalIgnoreCase):
                // sysname is the alias nvarchar(128) NOT NULL: sys.parameters says nvarchar, 256 bytes.
                return new HookParameter(name, "nvarchar", "sysname", 256, 0, 0, isOutput, isReadOnly, hasDefault);
            default:
                // Another alias or table type: its base type is not in the text; the runtime
                // refuses it unless it is a defaulted extra, and so does the rule.
                string declared = parameter.DataType?.Name?.BaseIdentifier?.Value ?? "?";
                return new HookParameter(name, declared, declared, 0, 0, 0, isOutput, isReadOnly, hasDefault);
        }
    }

    /// <summary>sys.parameters.max_length: bytes, -1 for max; a text type written without a length is one character.</summary>
    private static int MaxLength(SqlDataTypeReference type)
    {
        int bytesPerCharacter = type.SqlDataTypeOption is SqlDataTypeOption.NVarChar or SqlDataTypeOption.NChar ? 2 : 1;
        if (type.SqlDataTypeOption is not (SqlDataTypeOption.NVarChar or SqlDataTypeOption.NChar or SqlDataTypeOption.VarChar
            or SqlDataTypeOption.Char or SqlDataTypeOption.VarBinary or SqlDataTypeOption.Binary))
        {
            return 0;
        }

        if (type.Parameters.Count == 0)
        {
            return bytesPerCharacter;
        }

        if (type.Parameters[0] is MaxLiteral)
        {
            return -1;
        }

        return Number(type, 0) * bytesPerCharacter;
    }

    private static int Number(SqlDataTypeReference type, int index) =>
        type.Parameters.Count > index && type.Parameters[index] is IntegerLiteral literal && int.TryParse(literal.Value, out int value) ? value : 0;
}
