namespace CrmDb.Clr.Deployment;

/// <summary>The [SqlFacet] of a parameter or return value; null members are unset.</summary>
public readonly record struct SqlFacet(int? MaxSize, int? Precision, int? Scale)
{
    /// <summary>No facet given.</summary>
    public static SqlFacet None => default;
}

/// <summary>Maps SQLCLR parameter types to the T-SQL types of their wrappers.</summary>
public static class SqlTypeMapping
{
    /// <summary>The T-SQL type for a CLR type name, refined by its facet.</summary>
    public static string ToSql(string clrType, SqlFacet facet, string where) => clrType switch
    {
        "System.Data.SqlTypes.SqlString" or "System.String" => "nvarchar(" + Size(facet.MaxSize, 4000) + ")",
        "System.Data.SqlTypes.SqlChars" => "nvarchar(" + Size(facet.MaxSize, -1) + ")",
        "System.Data.SqlTypes.SqlBinary" or "System.Byte[]" => "varbinary(" + Size(facet.MaxSize, 8000) + ")",
        "System.Data.SqlTypes.SqlBytes" => "varbinary(" + Size(facet.MaxSize, -1) + ")",
        "System.Data.SqlTypes.SqlInt64" or "System.Int64" => "bigint",
        "System.Data.SqlTypes.SqlInt32" or "System.Int32" => "int",
        "System.Data.SqlTypes.SqlInt16" or "System.Int16" => "smallint",
        "System.Data.SqlTypes.SqlByte" or "System.Byte" => "tinyint",
        "System.Data.SqlTypes.SqlBoolean" or "System.Boolean" => "bit",
        "System.Data.SqlTypes.SqlDouble" or "System.Double" => "float",
        "System.Data.SqlTypes.SqlSingle" or "System.Single" => "real",
        "System.Data.SqlTypes.SqlDateTime" or "System.DateTime" => "datetime",
        "System.Data.SqlTypes.SqlGuid" or "System.Guid" => "uniqueidentifier",
        "System.Data.SqlTypes.SqlMoney" => "money",
        "System.Data.SqlTypes.SqlDecimal" or "System.Decimal" =>
            $"decimal({facet.Precision ?? 18}, {facet.Scale ?? 0})",
        _ => throw new NotSupportedException(
            $"CLR type {clrType} of the {where} has no T-SQL equivalent known to the wrapper generator; use a System.Data.SqlTypes type."),
    };

    private static string Size(int? maxSize, int defaultSize)
    {
        int size = maxSize ?? defaultSize;
        return size < 0 ? "max" : size.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
