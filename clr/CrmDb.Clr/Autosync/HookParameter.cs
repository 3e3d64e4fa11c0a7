using System.Globalization;

namespace CrmDb.Clr.Autosync
{
    /// <summary>One declared parameter of a hook, as sys.parameters and the definition describe it.</summary>
    public sealed class HookParameter
    {
        /// <summary>Creates a parameter description.</summary>
        /// <param name="name">The name with its '@'.</param>
        /// <param name="typeName">The system type (TYPE_NAME(system_type_id)): int, nvarchar, ...</param>
        /// <param name="userTypeName">The declared type name when it differs (an alias type such as sysname), else null.</param>
        /// <param name="maxLength">sys.parameters.max_length: bytes, -1 for max.</param>
        /// <param name="precision">Precision for decimal types.</param>
        /// <param name="scale">Scale for decimal types.</param>
        /// <param name="isOutput">Declared OUTPUT.</param>
        /// <param name="isReadOnly">A READONLY table-valued parameter (optional by nature).</param>
        /// <param name="hasDefault">Has a default value; null when that cannot be known.</param>
        public HookParameter(string name, string typeName, string? userTypeName, int maxLength, int precision, int scale, bool isOutput, bool isReadOnly, bool? hasDefault)
        {
            Name = name;
            TypeName = typeName.ToLowerInvariant();
            UserTypeName = userTypeName;
            MaxLength = maxLength;
            Precision = precision;
            Scale = scale;
            IsOutput = isOutput;
            IsReadOnly = isReadOnly;
            HasDefault = hasDefault;
        }

        /// <summary>The name with its '@'.</summary>
        public string Name { get; }

        /// <summary>The system type, lower case.</summary>
        public string TypeName { get; }

        /// <summary>The alias type's name, when there is one.</summary>
        public string? UserTypeName { get; }

        /// <summary>Bytes, -1 for max.</summary>
        public int MaxLength { get; }

        /// <summary>Precision (decimal, numeric).</summary>
        public int Precision { get; }

        /// <summary>Scale (decimal, numeric).</summary>
        public int Scale { get; }

        /// <summary>Declared OUTPUT.</summary>
        public bool IsOutput { get; }

        /// <summary>READONLY table-valued parameter.</summary>
        public bool IsReadOnly { get; }

        /// <summary>Has a default value; null when unknown.</summary>
        public bool? HasDefault { get; }

        /// <summary>True for nvarchar, nchar (two bytes a character).</summary>
        public bool IsUnicodeText => TypeName == "nvarchar" || TypeName == "nchar";

        /// <summary>True for varchar, nvarchar.</summary>
        public bool IsVariableText => TypeName == "nvarchar" || TypeName == "varchar";

        /// <summary>Length in characters for text types; -1 for max.</summary>
        public int Characters => MaxLength < 0 ? -1 : IsUnicodeText ? MaxLength / 2 : MaxLength;

        /// <summary>The type as T-SQL declares it: int, nvarchar(20), varchar(max), decimal(10, 2), sysname.</summary>
        public string DeclaredType
        {
            get
            {
                if (!string.IsNullOrEmpty(UserTypeName) && !string.Equals(UserTypeName, TypeName, System.StringComparison.OrdinalIgnoreCase))
                {
                    return UserTypeName!;
                }

                switch (TypeName)
                {
                    case "nvarchar":
                    case "varchar":
                    case "nchar":
                    case "char":
                    case "varbinary":
                    case "binary":
                        return TypeName + "(" + (Characters < 0 ? "max" : Characters.ToString(CultureInfo.InvariantCulture)) + ")";
                    case "decimal":
                    case "numeric":
                        return TypeName + "(" + Precision.ToString(CultureInfo.InvariantCulture) + ", " + Scale.ToString(CultureInfo.InvariantCulture) + ")";
                    default:
                        return TypeName;
                }
            }
        }

        /// <summary>The base type as T-SQL writes it for a CONVERT: the alias resolved (sysname is nvarchar(128)).</summary>
        public string BaseType
        {
            get
            {
                if (IsVariableText)
                {
                    return TypeName + "(" + (Characters < 0 ? "max" : Characters.ToString(CultureInfo.InvariantCulture)) + ")";
                }

                return TypeName;
            }
        }

        /// <summary>The declaration as shown to integrators: <c>@tokenAccount nvarchar(20) = …</c>.</summary>
        public string Describe() =>
            Name + " " + DeclaredType
            + (HasDefault == true ? " = …" : string.Empty)
            + (IsOutput ? " OUTPUT" : string.Empty)
            + (IsReadOnly ? " READONLY" : string.Empty);
    }

    /// <summary>The values of one cycle, as the hooks will receive them; a null member is unknown (listing) or NULL.</summary>
    public sealed class HookValues
    {
        /// <summary>Creates the values of a cycle.</summary>
        public HookValues(int? integrationId, string? syncStatus, string? gesComBaseInt, int? tokenAccount)
        {
            IntegrationId = integrationId;
            SyncStatus = syncStatus;
            GesComBaseInt = gesComBaseInt;
            TokenAccount = tokenAccount;
        }

        /// <summary>No values: listing hooks outside a cycle.</summary>
        public static HookValues None => new HookValues(null, null, null, null);

        /// <summary>@ErpIntegrationID.</summary>
        public int? IntegrationId { get; }

        /// <summary>@ErpSyncStatus.</summary>
        public string? SyncStatus { get; }

        /// <summary>@GesComBaseInt.</summary>
        public string? GesComBaseInt { get; }

        /// <summary>@tokenAccount.</summary>
        public int? TokenAccount { get; }

        /// <summary>True when no value is known at all (a listing, not a cycle).</summary>
        public bool IsEmpty => IntegrationId == null && SyncStatus == null && GesComBaseInt == null && TokenAccount == null;
    }
}
