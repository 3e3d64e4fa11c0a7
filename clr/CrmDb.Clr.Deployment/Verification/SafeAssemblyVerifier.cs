using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace CrmDb.Clr.Deployment.Verification;

/// <summary>
/// Judges a .NET Framework assembly from its metadata and IL as SQL Server's CLR host judges a
/// SAFE one (ClrHostRules lists the rules and their sources). It reads the file without loading
/// it, so it runs on .NET. It sees what metadata and IL show; the full IL verification (PEVerify's)
/// happens only on a server, at CREATE ASSEMBLY, which the engine tests cover.
/// </summary>
public static class SafeAssemblyVerifier
{
    /// <summary>Judges the assembly at <paramref name="path"/>.</summary>
    /// <exception cref="ClrAssemblyFormatException">The file is not a .NET assembly.</exception>
    public static ClrVerificationResult Verify(string path, HostProtectionCatalog catalog) =>
        Verify(File.ReadAllBytes(path), path, catalog);

    /// <summary>Judges the assembly image <paramref name="image"/>; <paramref name="displayPath"/> names it in errors.</summary>
    /// <exception cref="ClrAssemblyFormatException">The bytes are not a .NET assembly.</exception>
    public static ClrVerificationResult Verify(byte[] image, string displayPath, HostProtectionCatalog catalog)
    {
        try
        {
            using var pe = new PEReader(new MemoryStream(image, writable: false));
            if (!pe.HasMetadata)
            {
                throw new ClrAssemblyFormatException(displayPath, "the PE image has no .NET metadata (a native DLL?).");
            }

            var reader = pe.GetMetadataReader();
            if (!reader.IsAssembly)
            {
                throw new ClrAssemblyFormatException(displayPath, "it is a module without an assembly manifest.");
            }

            return new Inspection(pe, reader, catalog).Run();
        }
        catch (BadImageFormatException ex)
        {
            throw new ClrAssemblyFormatException(displayPath, ex.Message);
        }
    }

    /// <summary>One pass over one assembly.</summary>
    private sealed class Inspection(PEReader pe, MetadataReader reader, HostProtectionCatalog catalog)
    {
        private const MethodImplAttributes NativeImplementation =
            MethodImplAttributes.Native | MethodImplAttributes.OPTIL | MethodImplAttributes.Unmanaged | MethodImplAttributes.InternalCall;

        // Options of MethodImplAttribute other than Synchronized and the code-type bits: the restrictions
        // page lists MethodImplAttribute among the disallowed attributes (0x8 NoInlining, 0x10 ForwardRef,
        // 0x40 NoOptimization, 0x80 PreserveSig, 0x100 AggressiveInlining, 0x200 AggressiveOptimization).
        private const MethodImplAttributes OtherImplOptions = (MethodImplAttributes)0x3D8;

        private readonly string assembly = reader.GetString(reader.GetAssemblyDefinition().Name);
        private readonly List<ClrFinding> atCreate = [];
        private readonly List<ClrFinding> atRunTime = [];
        private readonly Dictionary<FieldDefinitionHandle, SortedSet<string>> staticStores = [];

        public ClrVerificationResult Run()
        {
            CheckImage();
            CheckReferences();
            CheckUnsafeCompilation();
            CollectStaticStores();
            foreach (var typeHandle in reader.TypeDefinitions)
            {
                CheckType(typeHandle);
            }

            return new ClrVerificationResult(assembly, [.. atCreate, .. atRunTime]);
        }

        private void CheckImage()
        {
            var flags = pe.PEHeaders.CorHeader!.Flags;
            if ((flags & CorFlags.NativeEntryPoint) != 0)
            {
                Add(ClrHostRules.MixedModeImage, assembly, string.Empty, "CorFlags.NativeEntryPoint", ClrServerMessages.UnmanagedEntryPoint(assembly), 6214);
            }
            else if ((flags & CorFlags.ILOnly) == 0)
            {
                Add(ClrHostRules.MixedModeImage, assembly, string.Empty, "CorFlags without ILOnly (mixed-mode image)", ClrServerMessages.NotPureNet(assembly));
            }
        }

        private void CheckReferences()
        {
            foreach (var handle in reader.AssemblyReferences)
            {
                var name = reader.GetAssemblyReference(handle).GetAssemblyName();
                if (!ClrHostRules.IsSupportedAssembly(name.Name!))
                {
                    Add(ClrHostRules.UnsupportedReference, assembly, string.Empty, name.FullName,
                        ClrServerMessages.MissingReference(name.FullName.ToLowerInvariant() + "."));
                }
            }
        }

        private void CheckUnsafeCompilation()
        {
            foreach (var handle in reader.GetAssemblyDefinition().GetDeclarativeSecurityAttributes())
            {
                var attribute = reader.GetDeclarativeSecurityAttribute(handle);
                if (PermissionSetBlob.RequestsSkipVerification(reader.GetBlobReader(attribute.PermissionSet)))
                {
                    Add(ClrHostRules.UnsafeCompilation, assembly, string.Empty,
                        $"SecurityPermission SkipVerification ({attribute.Action}) on the assembly", ClrServerMessages.CompiledUnsafe(assembly));
                }
            }

            foreach (var handle in reader.GetModuleDefinition().GetCustomAttributes())
            {
                if (AttributeName(handle) == "System.Security.UnverifiableCodeAttribute")
                {
                    Add(ClrHostRules.UnsafeCompilation, assembly, string.Empty,
                        "System.Security.UnverifiableCodeAttribute on the module", ClrServerMessages.CompiledUnsafe(assembly));
                }
            }
        }

        /// <summary>Which methods store to (or take the address of) each static field of this assembly.</summary>
        private void CollectStaticStores()
        {
            foreach (var typeHandle in reader.TypeDefinitions)
            {
                var type = reader.GetTypeDefinition(typeHandle);
                foreach (var methodHandle in type.GetMethods())
                {
                    var method = reader.GetMethodDefinition(methodHandle);
                    if (method.RelativeVirtualAddress == 0)
                    {
                        continue;
                    }

                    foreach (var instruction in Instructions(method))
                    {
                        if (instruction.OpCode is ILOpCode.Stsfld or ILOpCode.Ldsflda
                            && MetadataTokens.EntityHandle(instruction.Token) is { Kind: HandleKind.FieldDefinition } field)
                        {
                            var fieldHandle = (FieldDefinitionHandle)field;
                            if (!staticStores.TryGetValue(fieldHandle, out var methods))
                            {
                                staticStores[fieldHandle] = methods = new SortedSet<string>(StringComparer.Ordinal);
                            }

                            methods.Add(DisplayType(MetadataNames.TypeName(reader, typeHandle)) + "." + reader.GetString(method.Name));
                        }
                    }
                }
            }
        }

        private void CheckType(TypeDefinitionHandle typeHandle)
        {
            var type = reader.GetTypeDefinition(typeHandle);
            string typeName = MetadataNames.TypeName(reader, typeHandle);
            foreach (var handle in type.GetCustomAttributes())
            {
                string attribute = AttributeName(handle);
                if (IsDisallowedAttribute(attribute))
                {
                    Add(ClrHostRules.DisallowedAttribute, typeName, string.Empty, attribute,
                        ClrServerMessages.TypeAttribute(assembly, DisplayType(typeName), attribute), 6239);
                }
            }

            foreach (var handle in type.GetDeclarativeSecurityAttributes())
            {
                var action = reader.GetDeclarativeSecurityAttribute(handle).Action;
                Add(ClrHostRules.DisallowedAttribute, typeName, string.Empty, $"System.Security.Permissions.CodeAccessSecurityAttribute ({action})",
                    ClrServerMessages.TypeAttribute(assembly, DisplayType(typeName), "System.Security.Permissions.CodeAccessSecurityAttribute"), 6239);
            }

            foreach (var fieldHandle in type.GetFields())
            {
                CheckField(typeName, fieldHandle);
            }

            foreach (var methodHandle in type.GetMethods())
            {
                CheckMethod(typeName, methodHandle);
            }
        }

        private void CheckField(string typeName, FieldDefinitionHandle fieldHandle)
        {
            var field = reader.GetFieldDefinition(fieldHandle);
            string name = reader.GetString(field.Name);
            var attributes = field.Attributes;
            if ((attributes & FieldAttributes.Static) != 0
                && (attributes & (FieldAttributes.InitOnly | FieldAttributes.Literal)) == 0)
            {
                string evidence = "static, not initonly";
                if (staticStores.TryGetValue(fieldHandle, out var methods))
                {
                    evidence += "; written by " + string.Join(", ", methods);
                }

                Add(ClrHostRules.MutableStaticField, typeName, name, evidence,
                    ClrServerMessages.StaticField(assembly, DisplayType(typeName), name), hint: HintFor(typeName, name));
            }

            string fieldType = field.DecodeSignature(MetadataNames.Instance, null);
            if (MetadataNames.IsUnverifiableType(fieldType))
            {
                Add(ClrHostRules.UnverifiableCode, typeName, name, $"pointer field type {fieldType}", ClrServerMessages.FailedVerification(assembly));
            }

            foreach (var handle in field.GetCustomAttributes())
            {
                string attribute = AttributeName(handle);
                if (IsDisallowedAttribute(attribute))
                {
                    Add(ClrHostRules.DisallowedAttribute, typeName, name, attribute,
                        ClrServerMessages.FieldAttribute(assembly, DisplayType(typeName), name, attribute), 6238);
                }
            }
        }

        private void CheckMethod(string typeName, MethodDefinitionHandle methodHandle)
        {
            var method = reader.GetMethodDefinition(methodHandle);
            string name = reader.GetString(method.Name);
            string type = DisplayType(typeName);
            var signature = method.DecodeSignature(MetadataNames.Instance, null);

            if (IsFinalizer(method, name, signature))
            {
                Add(ClrHostRules.Finalizer, typeName, name, "Finalize() override (a C# destructor)", ClrServerMessages.Finalizer(assembly, type));
            }

            if ((method.Attributes & MethodAttributes.PinvokeImpl) != 0 || !method.GetImport().Module.IsNil)
            {
                var import = method.GetImport();
                string module = import.Module.IsNil ? "?" : reader.GetString(reader.GetModuleReference(import.Module).Name);
                Add(ClrHostRules.PlatformInvoke, typeName, name, $"pinvokeimpl into {module}", ClrServerMessages.PlatformInvoke(assembly, type));
            }

            var impl = method.ImplAttributes;
            if ((impl & NativeImplementation) != 0 && (impl & MethodImplAttributes.CodeTypeMask) != MethodImplAttributes.Runtime)
            {
                Add(ClrHostRules.NativeMethod, typeName, name, $"implementation flags 0x{(int)impl:x} ({impl})",
                    ClrServerMessages.InvalidMethodAttribute(assembly, type, name, (int)impl));
            }

            if ((impl & MethodImplAttributes.Synchronized) != 0)
            {
                Add(ClrHostRules.SynchronizedMethod, typeName, name, "MethodImplOptions.Synchronized", ClrServerMessages.Synchronized(assembly, type, name));
            }

            // PreserveSig is part of every DllImport (CLR003 reports those).
            var options = impl & OtherImplOptions;
            if ((method.Attributes & MethodAttributes.PinvokeImpl) != 0)
            {
                options &= ~MethodImplAttributes.PreserveSig;
            }

            if (options != 0)
            {
                Add(ClrHostRules.DisallowedAttribute, typeName, name, $"System.Runtime.CompilerServices.MethodImplAttribute ({options})",
                    ClrServerMessages.MethodAttribute(assembly, type, name, "System.Runtime.CompilerServices.MethodImplAttribute"));
            }

            foreach (var handle in method.GetCustomAttributes())
            {
                string attribute = AttributeName(handle);
                if (IsDisallowedAttribute(attribute))
                {
                    Add(ClrHostRules.DisallowedAttribute, typeName, name, attribute, ClrServerMessages.MethodAttribute(assembly, type, name, attribute));
                }
            }

            foreach (var handle in method.GetDeclarativeSecurityAttributes())
            {
                var action = reader.GetDeclarativeSecurityAttribute(handle).Action;
                Add(ClrHostRules.DisallowedAttribute, typeName, name, $"System.Security.Permissions.CodeAccessSecurityAttribute ({action})",
                    ClrServerMessages.MethodAttribute(assembly, type, name, "System.Security.Permissions.CodeAccessSecurityAttribute"));
            }

            foreach (string parameter in signature.ParameterTypes.Append(signature.ReturnType))
            {
                if (MetadataNames.IsUnverifiableType(parameter))
                {
                    Add(ClrHostRules.UnverifiableCode, typeName, name, $"pointer type {parameter} in the signature", ClrServerMessages.FailedVerification(assembly));
                }
            }

            if (method.RelativeVirtualAddress != 0)
            {
                CheckBody(typeName, name, method);
            }
        }

        private void CheckBody(string typeName, string name, MethodDefinition method)
        {
            var body = pe.GetMethodBody(method.RelativeVirtualAddress);
            if (!body.LocalSignature.IsNil)
            {
                var locals = reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(MetadataNames.Instance, null);
                foreach (string local in locals.Where(MetadataNames.IsUnverifiableType).Distinct())
                {
                    Add(ClrHostRules.UnverifiableCode, typeName, name, $"local of type {local}", ClrServerMessages.FailedVerification(assembly));
                }
            }

            var reported = new HashSet<string>(StringComparer.Ordinal);
            foreach (var instruction in IlInstruction.Read(body.GetILReader()))
            {
                switch (instruction.OpCode)
                {
                    case ILOpCode.Localloc or ILOpCode.Calli or ILOpCode.Cpblk or ILOpCode.Initblk:
                        string opcode = instruction.OpCode.ToString().ToLowerInvariant();
                        if (reported.Add(opcode))
                        {
                            Add(ClrHostRules.UnverifiableCode, typeName, name, $"{opcode} instruction", ClrServerMessages.FailedVerification(assembly));
                        }

                        break;
                    case ILOpCode.Call or ILOpCode.Callvirt or ILOpCode.Newobj or ILOpCode.Ldftn or ILOpCode.Ldvirtftn or ILOpCode.Jmp:
                        CheckCall(typeName, name, MetadataTokens.EntityHandle(instruction.Token), reported);
                        break;
                }
            }
        }

        private void CheckCall(string typeName, string name, EntityHandle target, HashSet<string> reported)
        {
            if (target.Kind == HandleKind.MethodSpecification)
            {
                target = reader.GetMethodSpecification((MethodSpecificationHandle)target).Method;
            }

            if (target.Kind != HandleKind.MemberReference)
            {
                return; // a method of this assembly
            }

            var member = reader.GetMemberReference((MemberReferenceHandle)target);
            if (member.GetKind() != MemberReferenceKind.Method)
            {
                return;
            }

            var (library, calledType) = ReferencedType(member.Parent);
            if (library is null)
            {
                return;
            }

            string memberName = reader.GetString(member.Name);
            string key = MetadataNames.MethodKey(memberName, member.DecodeMethodSignature(MetadataNames.Instance, null));
            var forbidden = catalog.Demanded(library, calledType, key) & SafeForbiddenResources.Value;
            string called = $"[{library}]{calledType}::{memberName}";
            if (forbidden != HostProtectionResources.None && reported.Add(called))
            {
                Add(ClrHostRules.HostProtectedMember, typeName, name, $"calls {called}, host protection {forbidden}",
                    ClrServerMessages.HostProtection(DisplayType(typeName) + "." + name, forbidden.ToString()));
            }
        }

        /// <summary>The library and metadata name of the type a member reference belongs to; no library for this assembly's own types.</summary>
        private (string? Library, string TypeName) ReferencedType(EntityHandle parent)
        {
            switch (parent.Kind)
            {
                case HandleKind.TypeReference:
                    var reference = (TypeReferenceHandle)parent;
                    return (MetadataNames.ReferencedAssembly(reader, reference), MetadataNames.TypeName(reader, reference));
                case HandleKind.TypeSpecification:
                    var blob = reader.GetBlobReader(reader.GetTypeSpecification((TypeSpecificationHandle)parent).Signature);
                    if (blob.ReadSignatureTypeCode() == SignatureTypeCode.GenericTypeInstance)
                    {
                        blob.ReadCompressedInteger(); // class or valuetype
                        return ReferencedType(blob.ReadTypeHandle());
                    }

                    return (null, string.Empty); // arrays and the like: no host protection
                default:
                    return (null, string.Empty);
            }
        }

        private List<IlInstruction> Instructions(MethodDefinition method) =>
            IlInstruction.Read(pe.GetMethodBody(method.RelativeVirtualAddress).GetILReader());

        private static bool IsFinalizer(MethodDefinition method, string name, MethodSignature<string> signature) =>
            name == "Finalize"
            && (method.Attributes & MethodAttributes.Virtual) != 0
            && (method.Attributes & MethodAttributes.Static) == 0
            && signature.ParameterTypes.Length == 0
            && signature.GenericParameterCount == 0
            && signature.ReturnType == "System.Void";

        private static bool IsDisallowedAttribute(string attribute) =>
            ClrHostRules.DisallowedAttributes.Contains(attribute, StringComparer.Ordinal);

        private static ClrFindingHint HintFor(string typeName, string fieldName)
        {
            string simpleType = typeName[(typeName.LastIndexOf('/') + 1)..];
            if (simpleType.StartsWith("<>c", StringComparison.Ordinal) && fieldName.StartsWith("<>9__", StringComparison.Ordinal))
            {
                return ClrFindingHint.LambdaCache;
            }

            if (simpleType == "<>O")
            {
                return ClrFindingHint.MethodGroupCache;
            }

            return fieldName.EndsWith(">k__BackingField", StringComparison.Ordinal) ? ClrFindingHint.AutoPropertyBackingField : ClrFindingHint.None;
        }

        private string AttributeName(CustomAttributeHandle handle)
        {
            var attribute = reader.GetCustomAttribute(handle);
            EntityHandle type = attribute.Constructor.Kind switch
            {
                HandleKind.MemberReference => reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent,
                HandleKind.MethodDefinition => reader.GetMethodDefinition((MethodDefinitionHandle)attribute.Constructor).GetDeclaringType(),
                _ => default,
            };
            return type.Kind switch
            {
                HandleKind.TypeReference => MetadataNames.TypeName(reader, (TypeReferenceHandle)type),
                HandleKind.TypeDefinition => MetadataNames.TypeName(reader, (TypeDefinitionHandle)type),
                _ => string.Empty,
            };
        }

        /// <summary>A type name as .NET and SQL Server messages print it (nested types after '+').</summary>
        private static string DisplayType(string typeName) => typeName.Replace('/', '+');

        private void Add(ClrRule rule, string typeName, string member, string evidence, string message, int? number = null, ClrFindingHint hint = ClrFindingHint.None)
        {
            var finding = new ClrFinding(rule, DisplayType(typeName), member, evidence, hint, message, number);
            (rule.When == ClrRefusalTime.CreateAssembly ? atCreate : atRunTime).Add(finding);
        }
    }
}
