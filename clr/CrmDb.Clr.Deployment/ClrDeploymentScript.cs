using CrmDb.Clr;
using CrmDb.Clr.Deployment.Prerequisites;
using System.Security.Cryptography;
using System.Text;

namespace CrmDb.Clr.Deployment;

/// <summary>
/// Builds the post-deployment script that installs a SAFE SQLCLR assembly and its wrappers.
/// The script is idempotent: an unchanged assembly is left alone, a changed one is replaced
/// (its wrappers dropped and created again), its hash is trusted once, and hashes of other
/// builds of the same assembly are no longer trusted once no database of the instance holds them.
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

    /// <summary>
    /// The description a hash is trusted with: the assembly's name and real version, as
    /// sys.trusted_assemblies recommends, and the database that registered it (filled at run time).
    /// </summary>
    public static string DescriptionPrefix(string assemblyName, string assemblyVersion) =>
        (assemblyName + ", version=" + assemblyVersion).ToLowerInvariant() + "; database=";

    /// <summary>The whole post-deployment fragment.</summary>
    public static string Build(string assemblyName, string assemblyVersion, byte[] assembly, IReadOnlyList<ClrEntryPoint> entryPoints)
    {
        string hash = Hex(Hash(assembly));
        var s = new StringBuilder();
        s.AppendLine("-- Generated at build time by CrmDb.Clr.Deployment from " + assemblyName + ".dll " + assemblyVersion + ". Do not edit.");
        s.AppendLine("-- Checks the prerequisites (the table crmdb publish uses), installs the SQLCLR assembly");
        s.AppendLine("-- (PERMISSION_SET = SAFE), trusts its SHA2_512 hash for 'clr strict security' when this");
        s.AppendLine("-- database does not hold it yet, creates its T-SQL wrappers, and stops trusting hashes of");
        s.AppendLine("-- other builds that no database of the instance uses any more. Running it twice changes nothing.");
        s.AppendLine("SET NOCOUNT ON;");
        s.AppendLine("DECLARE @ClrName sysname = " + Literal(assemblyName) + ";");
        s.AppendLine("DECLARE @ClrVersion nvarchar(64) = " + Literal(assemblyVersion) + ";");
        s.AppendLine("DECLARE @ClrHash varbinary(64) = " + hash + ";");
        s.AppendLine("DECLARE @ClrDescription nvarchar(4000) = " + Literal(DescriptionPrefix(assemblyName, assemblyVersion)) + " + DB_NAME();");
        s.AppendLine("DECLARE @ClrBytes varbinary(max) = " + Hex(assembly) + ";");
        s.AppendLine("DECLARE @ClrStatement nvarchar(max);");
        s.AppendLine();
        s.Append(PrerequisiteGuard.Build());
        s.AppendLine();
        AppendTrust(s);
        s.AppendLine();
        AppendReplacement(s, assemblyVersion);
        s.AppendLine();
        foreach (var entryPoint in entryPoints)
        {
            string objectName = "[dbo]." + SqlNameQuote(entryPoint.SqlName);
            s.AppendLine("IF OBJECT_ID(" + Literal(objectName) + ") IS NULL");
            s.AppendLine("    EXEC sys.sp_executesql " + Literal(WrapperDefinition(assemblyName, entryPoint)) + ";");
        }

        s.AppendLine();
        AppendCleanup(s, assemblyName);
        return s.ToString();
    }

    // The guard has blocked already when the hash needs trusting and cannot be. Here the step is
    // skipped when the hash is trusted, or when this database holds the assembly and the login
    // could not trust anyway (no server view read: a db_owner can publish); a login that can
    // trust also trusts again a hash this database holds that an earlier publish removed.
    private static void AppendTrust(StringBuilder s)
    {
        s.AppendLine("IF @AssemblyHashTrusted = 1");
        s.AppendLine("    PRINT N'Assemblage ' + @ClrName + N' ' + @ClrVersion + N' déjà déclaré de confiance sur l''instance.';");
        s.AppendLine("ELSE IF @AssemblyInDatabase = 1 AND @AssemblyHashTrusted IS NULL");
        s.AppendLine("    PRINT N'Assemblage ' + @ClrName + N' ' + @ClrVersion + N' déjà installé dans cette base : sa déclaration de confiance n''est pas à refaire.';");
        s.AppendLine("ELSE IF @CanTrustAssemblies = 1");
        s.AppendLine("BEGIN");
        s.AppendLine("    BEGIN TRY");
        s.AppendLine("        EXEC sys.sp_executesql N'EXEC sys.sp_add_trusted_assembly @hash = @hash, @description = @description;',");
        s.AppendLine("            N'@hash varbinary(64), @description nvarchar(4000)', @hash = @ClrHash, @description = @ClrDescription;");
        s.AppendLine("        PRINT N'Assemblage ' + @ClrName + N' ' + @ClrVersion + N' déclaré de confiance (clr strict security) : ' + @ClrDescription + N'.';");
        s.AppendLine("    END TRY");
        s.AppendLine("    BEGIN CATCH");
        s.AppendLine("        DECLARE @TrustError nvarchar(2048) = ERROR_MESSAGE();");
        s.AppendLine("        RAISERROR(N'Impossible de déclarer %s de confiance (sys.sp_add_trusted_assembly demande CONTROL SERVER) : %s. Un administrateur de l''instance (sysadmin) doit exécuter ce déploiement une fois.', 16, 1, @ClrName, @TrustError);");
        s.AppendLine("        RETURN;");
        s.AppendLine("    END CATCH;");
        s.AppendLine("END;");
    }

    private static void AppendReplacement(StringBuilder s, string assemblyVersion)
    {
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
        s.AppendLine("    PRINT N'Assemblage ' + @ClrName + N' " + assemblyVersion.Replace("'", "''", StringComparison.Ordinal) + " installé.';");
        s.AppendLine("END;");
    }

    // A trusted hash of this assembly is dropped only when no database of the instance holds it:
    // every ONLINE database's sys.assembly_files is read; one that cannot be read (offline,
    // restoring, no access) keeps every hash, and the script says which. Only a login that can
    // trust (CONTROL SERVER, which also reads every database) does this; a db_owner publish
    // leaves the list as it is.
    private static void AppendCleanup(StringBuilder s, string assemblyName)
    {
        string pattern = EscapeLike(assemblyName.ToLowerInvariant() + ", version=") + "%";
        s.AppendLine("IF @CanTrustAssemblies = 1");
        s.AppendLine("BEGIN");
        s.AppendLine("    -- A temporary table, since sp_executesql sees it (a table variable it would not); it ends with the session.");
        s.AppendLine("    IF OBJECT_ID(N'tempdb..#ClrStaleHashes') IS NULL");
        s.AppendLine("        CREATE TABLE #ClrStaleHashes (hash varbinary(64) NOT NULL PRIMARY KEY, description nvarchar(4000) NULL);");
        s.AppendLine("    DELETE #ClrStaleHashes;");
        s.AppendLine("    EXEC sys.sp_executesql");
        s.AppendLine("        N'INSERT #ClrStaleHashes (hash, description) SELECT hash, description FROM sys.trusted_assemblies WHERE description LIKE @pattern AND hash <> @hash;',");
        s.AppendLine("        N'@pattern nvarchar(4000), @hash varbinary(64)', @pattern = " + Literal(pattern) + ", @hash = @ClrHash;");
        s.AppendLine("    DECLARE @Unread nvarchar(max) = N'', @DatabaseName sysname, @DatabaseState nvarchar(60), @Probe nvarchar(max);");
        s.AppendLine("    IF EXISTS (SELECT 1 FROM #ClrStaleHashes)");
        s.AppendLine("    BEGIN");
        s.AppendLine("        DECLARE instance_databases CURSOR LOCAL FAST_FORWARD FOR SELECT name, state_desc FROM sys.databases ORDER BY name;");
        s.AppendLine("        OPEN instance_databases;");
        s.AppendLine("        FETCH NEXT FROM instance_databases INTO @DatabaseName, @DatabaseState;");
        s.AppendLine("        WHILE @@FETCH_STATUS = 0");
        s.AppendLine("        BEGIN");
        s.AppendLine("            IF @DatabaseState <> N'ONLINE' OR ISNULL(HAS_DBACCESS(@DatabaseName), 0) = 0");
        s.AppendLine("                SET @Unread += CASE WHEN @Unread = N'' THEN N'' ELSE N', ' END + QUOTENAME(@DatabaseName) + N' (' + @DatabaseState + N')';");
        s.AppendLine("            ELSE");
        s.AppendLine("            BEGIN");
        s.AppendLine("            BEGIN TRY");
        s.AppendLine("                SET @Probe = N'DELETE h FROM #ClrStaleHashes AS h WHERE EXISTS (SELECT 1 FROM ' + QUOTENAME(@DatabaseName)");
        s.AppendLine("                    + N'.sys.assembly_files AS f WHERE HASHBYTES(''SHA2_512'', f.content) = h.hash);';");
        s.AppendLine("                EXEC sys.sp_executesql @Probe;");
        s.AppendLine("            END TRY");
        s.AppendLine("            BEGIN CATCH");
        s.AppendLine("                SET @Unread += CASE WHEN @Unread = N'' THEN N'' ELSE N', ' END + QUOTENAME(@DatabaseName) + N' (' + ERROR_MESSAGE() + N')';");
        s.AppendLine("            END CATCH;");
        s.AppendLine("            END;");
        s.AppendLine("            FETCH NEXT FROM instance_databases INTO @DatabaseName, @DatabaseState;");
        s.AppendLine("        END;");
        s.AppendLine("        CLOSE instance_databases;");
        s.AppendLine("        DEALLOCATE instance_databases;");
        s.AppendLine("    END;");
        s.AppendLine("    IF @Unread <> N''");
        s.AppendLine("        PRINT N'Hachages d''autres versions de ' + @ClrName + N' conservés : ces bases n''ont pas pu être lues et pourraient les utiliser : ' + @Unread + N'.';");
        s.AppendLine("    ELSE");
        s.AppendLine("    BEGIN");
        s.AppendLine("        -- What is left is used by no database of the instance.");
        s.AppendLine("        DECLARE @StaleHash varbinary(64), @StaleDescription nvarchar(4000);");
        s.AppendLine("        DECLARE stale_hashes CURSOR LOCAL FAST_FORWARD FOR SELECT hash, description FROM #ClrStaleHashes;");
        s.AppendLine("        OPEN stale_hashes;");
        s.AppendLine("        FETCH NEXT FROM stale_hashes INTO @StaleHash, @StaleDescription;");
        s.AppendLine("        WHILE @@FETCH_STATUS = 0");
        s.AppendLine("        BEGIN");
        s.AppendLine("            EXEC sys.sp_executesql N'EXEC sys.sp_drop_trusted_assembly @hash = @hash;', N'@hash varbinary(64)', @hash = @StaleHash;");
        s.AppendLine("            PRINT N'Hachage retiré des assemblages de confiance (plus aucune base ne l''utilise) : ' + ISNULL(@StaleDescription, N'') + N'.';");
        s.AppendLine("            FETCH NEXT FROM stale_hashes INTO @StaleHash, @StaleDescription;");
        s.AppendLine("        END;");
        s.AppendLine("        CLOSE stale_hashes;");
        s.AppendLine("        DEALLOCATE stale_hashes;");
        s.AppendLine("    END;");
        s.AppendLine("END;");
    }

    // LIKE's wildcards in a name are matched literally.
    private static string EscapeLike(string text) =>
        text.Replace("[", "[[]", StringComparison.Ordinal).Replace("%", "[%]", StringComparison.Ordinal).Replace("_", "[_]", StringComparison.Ordinal);

    private static string Hex(byte[] bytes) => "0x" + Convert.ToHexString(bytes);

    private static string Literal(string value) => SqlName.Literal(value);

    private static string SqlNameQuote(string name) => SqlName.Quote(name);
}
