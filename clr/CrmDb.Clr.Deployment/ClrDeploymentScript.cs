using CrmDb.Clr;
using System.Security.Cryptography;
using System.Text;

namespace CrmDb.Clr.Deployment;

/// <summary>
/// Builds the post-deployment script that installs a SAFE SQLCLR assembly and its wrappers.
/// The script is idempotent: an unchanged assembly is left alone, a changed one is replaced
/// (its wrappers dropped and created again), its hash is trusted once, and superseded hashes
/// of the same assembly are no longer trusted.
/// </summary>
public static class ClrDeploymentScript
{
    /// <summary>The wrapper's CREATE statement (no GO, no IF), as it is also shown to DBAs.</summary>
    public static string WrapperDefinition(string assemblyName, ClrEntryPoint entryPoint)
    {
        var text = new StringBuilder();
        string name = "[dbo]." + SqlNameQuote(entryPoint.SqlName);
        string parameters = string.Join(", ", entryPoint.Parameters.Select(p =>
            "@" + p.Name + " " + p.SqlType + (p.IsOutput ? " OUTPUT" : string.Empty)));
        string external = SqlNameQuote(assemblyName) + "." + SqlNameQuote(entryPoint.ClassName) + "." + SqlNameQuote(entryPoint.MethodName);
        switch (entryPoint.Kind)
        {
            case ClrEntryPointKind.Procedure:
                text.Append("CREATE PROCEDURE ").Append(name).Append(' ').Append(parameters)
                    .Append(" AS EXTERNAL NAME ").Append(external).Append(';');
                break;
            case ClrEntryPointKind.TableFunction:
                text.Append("CREATE FUNCTION ").Append(name).Append('(').Append(parameters).Append(") RETURNS TABLE (")
                    .Append(entryPoint.TableDefinition).Append(") AS EXTERNAL NAME ").Append(external).Append(';');
                break;
            default:
                text.Append("CREATE FUNCTION ").Append(name).Append('(').Append(parameters).Append(") RETURNS ")
                    .Append(entryPoint.ReturnSqlType).Append(" AS EXTERNAL NAME ").Append(external).Append(';');
                break;
        }

        return text.ToString();
    }

    /// <summary>The T-SQL stub with the wrapper's signature, for the reference-only model.</summary>
    public static string StubDefinition(ClrEntryPoint entryPoint)
    {
        string name = "[dbo]." + SqlNameQuote(entryPoint.SqlName);
        string parameters = string.Join(", ", entryPoint.Parameters.Select(p =>
            "@" + p.Name + " " + p.SqlType + (p.IsOutput ? " OUTPUT" : string.Empty)));
        return entryPoint.Kind switch
        {
            ClrEntryPointKind.Procedure => $"CREATE PROCEDURE {name} {parameters} AS RETURN 0;",
            ClrEntryPointKind.TableFunction =>
                $"CREATE FUNCTION {name}({parameters}) RETURNS @result TABLE ({entryPoint.TableDefinition}) AS BEGIN RETURN; END;",
            _ => $"CREATE FUNCTION {name}({parameters}) RETURNS {entryPoint.ReturnSqlType} AS BEGIN RETURN NULL; END;",
        };
    }

    /// <summary>SHA2_512 of the assembly bytes, as sys.sp_add_trusted_assembly wants it.</summary>
    public static byte[] Hash(byte[] assembly) => SHA512.HashData(assembly);

    /// <summary>The whole post-deployment fragment.</summary>
    public static string Build(string assemblyName, string assemblyVersion, byte[] assembly, IReadOnlyList<ClrEntryPoint> entryPoints)
    {
        string hash = Hex(Hash(assembly));
        string description = (assemblyName + ", version=" + assemblyVersion).ToLowerInvariant();
        var s = new StringBuilder();
        s.AppendLine("-- Generated at build time by CrmDb.Clr.Deployment from " + assemblyName + ".dll " + assemblyVersion + ". Do not edit.");
        s.AppendLine("-- Installs the SQLCLR assembly (PERMISSION_SET = SAFE), trusts its SHA2_512 hash for");
        s.AppendLine("-- 'clr strict security' and creates its T-SQL wrappers. Running it twice changes nothing.");
        s.AppendLine("SET NOCOUNT ON;");
        s.AppendLine("DECLARE @ClrName sysname = " + Literal(assemblyName) + ";");
        s.AppendLine("DECLARE @ClrHash varbinary(64) = " + hash + ";");
        s.AppendLine("DECLARE @ClrDescription nvarchar(4000) = " + Literal(description) + ";");
        s.AppendLine("DECLARE @ClrBytes varbinary(max) = " + Hex(assembly) + ";");
        s.AppendLine("DECLARE @ClrStatement nvarchar(max);");
        s.AppendLine();
        s.AppendLine("IF NOT EXISTS (SELECT 1 FROM sys.configurations WHERE name = N'clr enabled' AND value_in_use = 1)");
        s.AppendLine("    PRINT N'Attention : CLR désactivé sur l''instance. Les fonctions de ' + @ClrName + N' ne pourront s''exécuter qu''après : EXEC sp_configure ''clr enabled'', 1; RECONFIGURE;';");
        s.AppendLine();
        s.AppendLine("IF NOT EXISTS (SELECT 1 FROM sys.trusted_assemblies WHERE hash = @ClrHash)");
        s.AppendLine("BEGIN");
        s.AppendLine("    BEGIN TRY");
        s.AppendLine("        EXEC sys.sp_add_trusted_assembly @hash = @ClrHash, @description = @ClrDescription;");
        s.AppendLine("        PRINT N'Assemblage ' + @ClrName + N' déclaré de confiance (clr strict security).';");
        s.AppendLine("    END TRY");
        s.AppendLine("    BEGIN CATCH");
        s.AppendLine("        DECLARE @TrustError nvarchar(2048) = ERROR_MESSAGE();");
        s.AppendLine("        RAISERROR(N'Impossible de déclarer %s de confiance (sys.sp_add_trusted_assembly demande CONTROL SERVER) : %s. Faites exécuter ce déploiement par un administrateur de l''instance.', 16, 1, @ClrName, @TrustError);");
        s.AppendLine("        RETURN;");
        s.AppendLine("    END CATCH;");
        s.AppendLine("END;");
        s.AppendLine();
        s.AppendLine("IF NOT EXISTS (");
        s.AppendLine("    SELECT 1 FROM sys.assemblies AS a JOIN sys.assembly_files AS f ON f.assembly_id = a.assembly_id AND f.file_id = 1");
        s.AppendLine("    WHERE a.name = @ClrName AND HASHBYTES('SHA2_512', f.content) = @ClrHash)");
        s.AppendLine("BEGIN");
        s.AppendLine("    -- A different version is there, or none: drop its wrappers, then the assembly, then create ours.");
        s.AppendLine("    DECLARE @Drops nvarchar(max) = N'';");
        s.AppendLine("    SELECT @Drops += CASE WHEN o.type = 'PC' THEN N'DROP PROCEDURE ' ELSE N'DROP FUNCTION ' END");
        s.AppendLine("                   + QUOTENAME(SCHEMA_NAME(o.schema_id)) + N'.' + QUOTENAME(o.name) + N'; '");
        s.AppendLine("    FROM sys.assembly_modules AS m");
        s.AppendLine("    JOIN sys.assemblies AS a ON a.assembly_id = m.assembly_id");
        s.AppendLine("    JOIN sys.objects AS o ON o.object_id = m.object_id");
        s.AppendLine("    WHERE a.name = @ClrName;");
        s.AppendLine("    IF @Drops <> N'' EXEC sys.sp_executesql @Drops;");
        s.AppendLine("    IF EXISTS (SELECT 1 FROM sys.assemblies WHERE name = @ClrName)");
        s.AppendLine("    BEGIN");
        s.AppendLine("        SET @ClrStatement = N'DROP ASSEMBLY ' + QUOTENAME(@ClrName) + N';';");
        s.AppendLine("        EXEC sys.sp_executesql @ClrStatement;");
        s.AppendLine("    END;");
        s.AppendLine("    SET @ClrStatement = N'CREATE ASSEMBLY ' + QUOTENAME(@ClrName) + N' AUTHORIZATION [dbo] FROM @bytes WITH PERMISSION_SET = SAFE;';");
        s.AppendLine("    EXEC sys.sp_executesql @ClrStatement, N'@bytes varbinary(max)', @bytes = @ClrBytes;");
        s.AppendLine("    PRINT N'Assemblage ' + @ClrName + N' " + assemblyVersion + " installé.';");
        s.AppendLine("END;");
        s.AppendLine();
        foreach (var entryPoint in entryPoints)
        {
            string objectName = "[dbo]." + SqlNameQuote(entryPoint.SqlName);
            s.AppendLine("IF OBJECT_ID(" + Literal(objectName) + ") IS NULL");
            s.AppendLine("    EXEC sys.sp_executesql " + Literal(WrapperDefinition(assemblyName, entryPoint)) + ";");
        }

        s.AppendLine();
        s.AppendLine("-- Hashes of earlier versions of this assembly are trusted no longer.");
        s.AppendLine("DECLARE @OldHash varbinary(64);");
        s.AppendLine("DECLARE old_hashes CURSOR LOCAL FAST_FORWARD FOR");
        s.AppendLine("    SELECT hash FROM sys.trusted_assemblies");
        s.AppendLine("    WHERE description LIKE LOWER(@ClrName) + N', version=%' AND hash <> @ClrHash;");
        s.AppendLine("OPEN old_hashes;");
        s.AppendLine("FETCH NEXT FROM old_hashes INTO @OldHash;");
        s.AppendLine("WHILE @@FETCH_STATUS = 0");
        s.AppendLine("BEGIN");
        s.AppendLine("    EXEC sys.sp_drop_trusted_assembly @hash = @OldHash;");
        s.AppendLine("    FETCH NEXT FROM old_hashes INTO @OldHash;");
        s.AppendLine("END;");
        s.AppendLine("CLOSE old_hashes;");
        s.AppendLine("DEALLOCATE old_hashes;");
        return s.ToString();
    }

    private static string Hex(byte[] bytes) => "0x" + Convert.ToHexString(bytes);

    private static string Literal(string value) => SqlName.Literal(value);

    private static string SqlNameQuote(string name) => SqlName.Quote(name);
}
