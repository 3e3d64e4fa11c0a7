using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace CrmDb.Clr.Deployment;

/// <summary>
/// Reads a SQLCLR assembly's entry points from its metadata alone (System.Reflection.Metadata),
/// so a .NET Framework assembly is read on .NET without loading it or its references.
/// </summary>
public static class ClrAssemblyReader
{
    private const string FunctionAttribute = "Microsoft.SqlServer.Server.SqlFunctionAttribute";
    private const string ProcedureAttribute = "Microsoft.SqlServer.Server.SqlProcedureAttribute";
    private const string FacetAttribute = "Microsoft.SqlServer.Server.SqlFacetAttribute";

    /// <summary>The assembly's simple name, as CREATE ASSEMBLY will name it.</summary>
    public static string AssemblyName(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        return reader.GetString(reader.GetAssemblyDefinition().Name);
    }

    /// <summary>Every public static method marked [SqlFunction] or [SqlProcedure], in metadata order.</summary>
    public static IReadOnlyList<ClrEntryPoint> ReadEntryPoints(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var entryPoints = new List<ClrEntryPoint>();
        foreach (var typeHandle in reader.TypeDefinitions)
        {
            var type = reader.GetTypeDefinition(typeHandle);
            if (type.GetDeclaringType() != default)
            {
                continue;
            }

            string className = Qualified(reader.GetString(type.Namespace), reader.GetString(type.Name));
            foreach (var methodHandle in type.GetMethods())
            {
                var method = reader.GetMethodDefinition(methodHandle);
                bool isPublicStatic = (method.Attributes & MethodAttributes.Static) != 0
                    && (method.Attributes & MethodAttributes.MemberAccessMask) == MethodAttributes.Public;
                if (!isPublicStatic)
                {
                    continue;
                }

                var entryPoint = ReadEntryPoint(reader, className, method);
                if (entryPoint is not null)
                {
                    entryPoints.Add(entryPoint);
                }
            }
        }

        return entryPoints;
    }

    private static ClrEntryPoint? ReadEntryPoint(MetadataReader reader, string className, MethodDefinition method)
    {
        foreach (var attributeHandle in method.GetCustomAttributes())
        {
            var attribute = reader.GetCustomAttribute(attributeHandle);
            string attributeType = AttributeTypeName(reader, attribute);
            if (attributeType != FunctionAttribute && attributeType != ProcedureAttribute)
            {
                continue;
            }

            var named = NamedArguments(attribute);
            string methodName = reader.GetString(method.Name);
            string sqlName = named.TryGetValue("Name", out var n) && n is string s && s.Length > 0 ? s : methodName;
            var signature = method.DecodeSignature(new SignatureTypeNames(), null);
            var parameters = ReadParameters(reader, method, signature, out var returnFacet);
            string? tableDefinition = named.TryGetValue("TableDefinition", out var t) ? t as string : null;

            ClrEntryPointKind kind = attributeType == ProcedureAttribute
                ? ClrEntryPointKind.Procedure
                : tableDefinition is { Length: > 0 } ? ClrEntryPointKind.TableFunction : ClrEntryPointKind.ScalarFunction;
            string returnType = kind == ClrEntryPointKind.ScalarFunction
                ? SqlTypeMapping.ToSql(signature.ReturnType, returnFacet, $"return value of {className}.{methodName}")
                : string.Empty;
            return new ClrEntryPoint(kind, sqlName, className, methodName, parameters, returnType, tableDefinition);
        }

        return null;
    }

    private static List<ClrParameter> ReadParameters(
        MetadataReader reader, MethodDefinition method, MethodSignature<string> signature, out SqlFacet returnFacet)
    {
        var names = new string[signature.ParameterTypes.Length];
        var facets = new SqlFacet[signature.ParameterTypes.Length];
        returnFacet = SqlFacet.None;
        foreach (var parameterHandle in method.GetParameters())
        {
            var parameter = reader.GetParameter(parameterHandle);
            SqlFacet facet = ReadFacet(reader, parameter.GetCustomAttributes());
            if (parameter.SequenceNumber == 0)
            {
                returnFacet = facet;
                continue;
            }

            names[parameter.SequenceNumber - 1] = reader.GetString(parameter.Name);
            facets[parameter.SequenceNumber - 1] = facet;
        }

        var parameters = new List<ClrParameter>();
        for (int i = 0; i < names.Length; i++)
        {
            string clrType = signature.ParameterTypes[i];
            bool isOutput = clrType.EndsWith('&');
            string sqlType = SqlTypeMapping.ToSql(clrType.TrimEnd('&'), facets[i], $"parameter {names[i]}");
            parameters.Add(new ClrParameter(names[i], sqlType, isOutput));
        }

        return parameters;
    }

    private static SqlFacet ReadFacet(MetadataReader reader, CustomAttributeHandleCollection attributes)
    {
        foreach (var handle in attributes)
        {
            var attribute = reader.GetCustomAttribute(handle);
            if (AttributeTypeName(reader, attribute) != FacetAttribute)
            {
                continue;
            }

            var named = NamedArguments(attribute);
            return new SqlFacet(
                named.TryGetValue("MaxSize", out var size) ? (int?)size : null,
                named.TryGetValue("Precision", out var precision) ? (int?)precision : null,
                named.TryGetValue("Scale", out var scale) ? (int?)scale : null);
        }

        return SqlFacet.None;
    }

    private static Dictionary<string, object?> NamedArguments(CustomAttribute attribute)
    {
        var value = attribute.DecodeValue(new AttributeTypeNames());
        var named = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var argument in value.NamedArguments)
        {
            named[argument.Name!] = argument.Value;
        }

        return named;
    }

    private static string AttributeTypeName(MetadataReader reader, CustomAttribute attribute)
    {
        EntityHandle type = attribute.Constructor.Kind switch
        {
            HandleKind.MemberReference => reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent,
            HandleKind.MethodDefinition => reader.GetMethodDefinition((MethodDefinitionHandle)attribute.Constructor).GetDeclaringType(),
            _ => default,
        };
        return TypeName(reader, type);
    }

    internal static string TypeName(MetadataReader reader, EntityHandle handle) => handle.Kind switch
    {
        HandleKind.TypeReference => Qualified(
            reader.GetString(reader.GetTypeReference((TypeReferenceHandle)handle).Namespace),
            reader.GetString(reader.GetTypeReference((TypeReferenceHandle)handle).Name)),
        HandleKind.TypeDefinition => Qualified(
            reader.GetString(reader.GetTypeDefinition((TypeDefinitionHandle)handle).Namespace),
            reader.GetString(reader.GetTypeDefinition((TypeDefinitionHandle)handle).Name)),
        _ => string.Empty,
    };

    private static string Qualified(string ns, string name) => ns.Length == 0 ? name : ns + "." + name;

    /// <summary>Type names for decoded signatures; '&amp;' marks a by-reference (OUTPUT) parameter.</summary>
    private sealed class SignatureTypeNames : ISignatureTypeProvider<string, object?>
    {
        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => "System." + typeCode;
        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => TypeName(reader, handle);
        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => TypeName(reader, handle);
        public string GetByReferenceType(string elementType) => elementType + "&";
        public string GetSZArrayType(string elementType) => elementType + "[]";
        public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[*]";
        public string GetPointerType(string elementType) => elementType + "*";
        public string GetPinnedType(string elementType) => elementType;
        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => genericType;
        public string GetGenericMethodParameter(object? genericContext, int index) => "!!" + index;
        public string GetGenericTypeParameter(object? genericContext, int index) => "!" + index;
        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;
        public string GetFunctionPointerType(MethodSignature<string> signature) => "fnptr";
        public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) => "typespec";
    }

    /// <summary>
    /// Enough of a type provider to decode the SQLCLR attributes: their enum-typed named
    /// arguments (DataAccessKind, SystemDataAccessKind, Format) are all int-based.
    /// </summary>
    private sealed class AttributeTypeNames : ICustomAttributeTypeProvider<string>
    {
        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => "System." + typeCode;
        public string GetSystemType() => "System.Type";
        public string GetSZArrayType(string elementType) => elementType + "[]";
        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => TypeName(reader, handle);
        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => TypeName(reader, handle);
        public string GetTypeFromSerializedName(string name) => name;
        public PrimitiveTypeCode GetUnderlyingEnumType(string type) => PrimitiveTypeCode.Int32;
        public bool IsSystemType(string type) => type == "System.Type";
    }
}
