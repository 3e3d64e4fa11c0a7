using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace CrmDb.Clr.Deployment.Verification;

/// <summary>
/// The host-protection resources of the .NET Framework 4.8 libraries, read from the DeclSecurity
/// tables of their reference assemblies: the C# compiler stores [HostProtection(...)] there as a
/// LinkDemand permission set, on the type or on the member. SQL Server evaluates those link demands
/// when it compiles the calling method, and a SAFE assembly fails with a HostProtectionException.
/// </summary>
public sealed class HostProtectionCatalog : IDisposable
{
    private readonly string folder;
    private readonly Dictionary<string, LibraryIndex?> libraries = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Opens the reference assemblies of <paramref name="referenceFolder"/> (build/.NETFramework/v4.8 of the reference package).</summary>
    public HostProtectionCatalog(string referenceFolder)
    {
        if (!File.Exists(Path.Combine(referenceFolder, "mscorlib.dll")))
        {
            throw new DirectoryNotFoundException(
                $"'{referenceFolder}' holds no mscorlib.dll: it is not a folder of .NET Framework 4.8 reference assemblies.");
        }

        folder = referenceFolder;
    }

    /// <summary>The folder of reference assemblies read.</summary>
    public string Folder => folder;

    /// <summary>
    /// The resources SQL Server's host would demand for a call to <paramref name="methodKey"/> (see
    /// <see cref="MetadataNames.MethodKey"/>) of <paramref name="typeName"/> in <paramref name="assemblyName"/>:
    /// the type's own host protection, the member's, and those of the base type that declares the
    /// member when the named type only inherits it. None when the library is not among the reference assemblies.
    /// </summary>
    public HostProtectionResources Demanded(string assemblyName, string typeName, string methodKey)
    {
        var library = Library(assemblyName);
        for (int depth = 0; library is not null && depth < 32; depth++)
        {
            if (!library.Types.TryGetValue(typeName, out var handle))
            {
                // A type forwarded elsewhere: follow the forwarder.
                if (library.Forwarded.TryGetValue(typeName, out string? target))
                {
                    library = Library(target);
                    continue;
                }

                return HostProtectionResources.None;
            }

            var reader = library.Reader;
            var type = reader.GetTypeDefinition(handle);
            var resources = Protection(reader, type.GetDeclarativeSecurityAttributes());
            foreach (var methodHandle in type.GetMethods())
            {
                var method = reader.GetMethodDefinition(methodHandle);
                string key = MetadataNames.MethodKey(reader.GetString(method.Name), method.DecodeSignature(MetadataNames.Instance, null));
                if (key == methodKey)
                {
                    return resources | Protection(reader, method.GetDeclarativeSecurityAttributes());
                }
            }

            // Not declared here: the call names a type that inherits the member.
            if (resources != HostProtectionResources.None || type.BaseType.IsNil)
            {
                return resources;
            }

            (library, typeName) = BaseOf(library!, type.BaseType);
        }

        return HostProtectionResources.None;
    }

    /// <summary>The type-level protection of <paramref name="typeName"/> (what every one of its members demands).</summary>
    public HostProtectionResources TypeDemand(string assemblyName, string typeName)
    {
        var library = Library(assemblyName);
        if (library is null || !library.Types.TryGetValue(typeName, out var handle))
        {
            return HostProtectionResources.None;
        }

        return Protection(library.Reader, library.Reader.GetTypeDefinition(handle).GetDeclarativeSecurityAttributes());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var library in libraries.Values)
        {
            library?.Dispose();
        }

        libraries.Clear();
    }

    private (LibraryIndex? Library, string TypeName) BaseOf(LibraryIndex library, EntityHandle baseType)
    {
        var reader = library.Reader;
        switch (baseType.Kind)
        {
            case HandleKind.TypeDefinition:
                return (library, MetadataNames.TypeName(reader, (TypeDefinitionHandle)baseType));
            case HandleKind.TypeReference:
                var reference = (TypeReferenceHandle)baseType;
                string? assembly = MetadataNames.ReferencedAssembly(reader, reference);
                return (assembly is null ? library : Library(assembly), MetadataNames.TypeName(reader, reference));
            case HandleKind.TypeSpecification:
                // A generic base: its definition is what declares the members.
                var blob = reader.GetBlobReader(reader.GetTypeSpecification((TypeSpecificationHandle)baseType).Signature);
                if (blob.ReadSignatureTypeCode() == SignatureTypeCode.GenericTypeInstance)
                {
                    blob.ReadCompressedInteger(); // class or valuetype
                    return BaseOf(library, blob.ReadTypeHandle());
                }

                return (null, string.Empty);
            default:
                return (null, string.Empty);
        }
    }

    private static HostProtectionResources Protection(MetadataReader reader, DeclarativeSecurityAttributeHandleCollection attributes)
    {
        var resources = HostProtectionResources.None;
        foreach (var handle in attributes)
        {
            var attribute = reader.GetDeclarativeSecurityAttribute(handle);
            if (attribute.Action == DeclarativeSecurityAction.LinkDemand)
            {
                resources |= PermissionSetBlob.HostProtection(reader.GetBlobReader(attribute.PermissionSet));
            }
        }

        return resources;
    }

    private LibraryIndex? Library(string assemblyName)
    {
        if (!libraries.TryGetValue(assemblyName, out var library))
        {
            string path = Path.Combine(folder, assemblyName + ".dll");
            library = File.Exists(path) ? LibraryIndex.Open(path) : null;
            libraries[assemblyName] = library;
        }

        return library;
    }

    /// <summary>One reference assembly, its types by metadata name and its type forwarders.</summary>
    private sealed class LibraryIndex : IDisposable
    {
        private readonly PEReader pe;

        private LibraryIndex(PEReader pe)
        {
            this.pe = pe;
            Reader = pe.GetMetadataReader();
            foreach (var handle in Reader.TypeDefinitions)
            {
                Types[MetadataNames.TypeName(Reader, handle)] = handle;
            }

            foreach (var handle in Reader.ExportedTypes)
            {
                var exported = Reader.GetExportedType(handle);
                if (exported.IsForwarder && exported.Implementation.Kind == HandleKind.AssemblyReference)
                {
                    string ns = Reader.GetString(exported.Namespace);
                    string name = Reader.GetString(exported.Name);
                    var target = Reader.GetAssemblyReference((AssemblyReferenceHandle)exported.Implementation);
                    Forwarded[ns.Length == 0 ? name : ns + "." + name] = Reader.GetString(target.Name);
                }
            }
        }

        public MetadataReader Reader { get; }

        public Dictionary<string, TypeDefinitionHandle> Types { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string> Forwarded { get; } = new(StringComparer.Ordinal);

        public static LibraryIndex Open(string path) => new(new PEReader(File.OpenRead(path)));

        public void Dispose() => pe.Dispose();
    }
}
