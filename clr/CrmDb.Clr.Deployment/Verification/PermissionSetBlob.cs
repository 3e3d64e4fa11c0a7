using System.Reflection.Metadata;
using System.Text;

namespace CrmDb.Clr.Deployment.Verification;

/// <summary>
/// Decodes the HostProtection part of a DeclSecurity permission set. Compilers store security
/// attributes such as [HostProtection(Synchronization = true)] in the DeclSecurity table, not as
/// custom attributes, in the binary format of ECMA-335 II.23.1.3: '.', a count, then per attribute
/// its type name, the length of its properties and the properties as named arguments.
/// </summary>
internal static class PermissionSetBlob
{
    private const string HostProtectionAttribute = "System.Security.Permissions.HostProtectionAttribute";

    /// <summary>The resources every HostProtectionAttribute of <paramref name="blob"/> names.</summary>
    public static HostProtectionResources HostProtection(BlobReader blob)
    {
        if (blob.Length == 0 || blob.ReadByte() != (byte)'.')
        {
            // The XML format of .NET Framework 1.x; the net48 reference assemblies use the binary one.
            return HostProtectionResources.None;
        }

        var resources = HostProtectionResources.None;
        int count = blob.ReadCompressedInteger();
        for (int i = 0; i < count; i++)
        {
            string typeName = blob.ReadSerializedString() ?? string.Empty;
            int length = blob.ReadCompressedInteger();
            int end = blob.Offset + length;
            if (TypeNameOnly(typeName) == HostProtectionAttribute)
            {
                resources |= ReadHostProtection(ref blob);
            }

            blob.Offset = end;
        }

        return resources;
    }

    /// <summary>Whether <paramref name="blob"/> requests SkipVerification (SecurityPermission), as /unsafe compilations do.</summary>
    public static bool RequestsSkipVerification(BlobReader blob)
    {
        if (blob.Length == 0 || blob.ReadByte() != (byte)'.')
        {
            return Encoding.Unicode.GetString(blob.ReadBytes(blob.Length - blob.Offset)).Contains("SkipVerification", StringComparison.Ordinal);
        }

        int count = blob.ReadCompressedInteger();
        for (int i = 0; i < count; i++)
        {
            string typeName = blob.ReadSerializedString() ?? string.Empty;
            int length = blob.ReadCompressedInteger();
            int end = blob.Offset + length;
            if (TypeNameOnly(typeName) == "System.Security.Permissions.SecurityPermissionAttribute")
            {
                int named = blob.ReadCompressedInteger();
                for (int n = 0; n < named; n++)
                {
                    var (name, value) = ReadNamedArgument(ref blob);
                    if (name == "SkipVerification" && value is true)
                    {
                        return true;
                    }

                    // Flags = SecurityPermissionFlag.SkipVerification (0x4).
                    if (name == "Flags" && value is int flags && (flags & 0x4) != 0)
                    {
                        return true;
                    }
                }
            }

            blob.Offset = end;
        }

        return false;
    }

    private static HostProtectionResources ReadHostProtection(ref BlobReader blob)
    {
        var resources = HostProtectionResources.None;
        int named = blob.ReadCompressedInteger();
        for (int n = 0; n < named; n++)
        {
            var (name, value) = ReadNamedArgument(ref blob);
            if (name == "Resources" && value is int bits)
            {
                resources |= (HostProtectionResources)bits;
            }
            else if (value is true && Enum.TryParse(name, out HostProtectionResources one))
            {
                resources |= one;
            }
        }

        return resources;
    }

    private static (string Name, object? Value) ReadNamedArgument(ref BlobReader blob)
    {
        blob.ReadByte(); // 0x53 field or 0x54 property
        var type = (SerializationTypeCode)blob.ReadByte();
        if (type == SerializationTypeCode.Enum)
        {
            blob.ReadSerializedString(); // enum type name; the enums read here are int-based
            type = SerializationTypeCode.Int32;
        }

        string name = blob.ReadSerializedString() ?? string.Empty;
        object? value = type switch
        {
            SerializationTypeCode.Boolean => blob.ReadBoolean(),
            SerializationTypeCode.Int32 => blob.ReadInt32(),
            SerializationTypeCode.UInt32 => (int)blob.ReadUInt32(),
            SerializationTypeCode.String => blob.ReadSerializedString(),
            SerializationTypeCode.Int16 => (int)blob.ReadInt16(),
            SerializationTypeCode.Byte => (int)blob.ReadByte(),
            SerializationTypeCode.Int64 => blob.ReadInt64(),
            _ => throw new BadImageFormatException($"Unsupported security attribute argument type 0x{(byte)type:x2} for '{name}'."),
        };
        return (name, value);
    }

    private static string TypeNameOnly(string assemblyQualified)
    {
        int comma = assemblyQualified.IndexOf(',', StringComparison.Ordinal);
        return (comma < 0 ? assemblyQualified : assemblyQualified[..comma]).Trim();
    }
}
