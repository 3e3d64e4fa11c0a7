using System.Data.SqlTypes;
using Microsoft.SqlServer.Server;

namespace CrmDb.Clr.Replication
{
    /// <summary>
    /// The replication functions dbo.MC_replicate calls (wrappers generated from these
    /// attributes at build time). Each one only adapts SQL types to the pure functions of
    /// <see cref="ReplicationParameter"/>, <see cref="ReplicationColumnType"/>,
    /// <see cref="ReplicationExpression"/> and <see cref="ReplicationStatementBuilder"/>.
    /// </summary>
    public static class ReplicationEntryPoints
    {
        /// <summary>
        /// dbo.MC_replicolumn(@parameterName): the dbo.Account column that a REPLI_acc_&lt;x&gt;_repli
        /// parameter declares (acc_&lt;x&gt;_repli), or NULL when the name does not follow that pattern.
        /// </summary>
        [return: SqlFacet(MaxSize = 128)]
        [SqlFunction(Name = "MC_replicolumn", IsDeterministic = true, IsPrecise = true,
            DataAccess = DataAccessKind.None, SystemDataAccess = SystemDataAccessKind.None)]
        public static SqlString ReplicationColumn([SqlFacet(MaxSize = 4000)] SqlString parameterName)
        {
            string? column = parameterName.IsNull ? null : ReplicationParameter.ColumnOf(parameterName.Value);
            return column == null ? SqlString.Null : new SqlString(column);
        }

        /// <summary>
        /// dbo.MC_replitype(@typeName, @maxLength, @precision, @scale): the T-SQL type of a column
        /// from its sys.columns facts (TYPE_NAME(system_type_id), max_length, precision, scale),
        /// or NULL when replication cannot compare and write that type.
        /// </summary>
        [return: SqlFacet(MaxSize = 128)]
        [SqlFunction(Name = "MC_replitype", IsDeterministic = true, IsPrecise = true,
            DataAccess = DataAccessKind.None, SystemDataAccess = SystemDataAccessKind.None)]
        public static SqlString ReplicationType(
            [SqlFacet(MaxSize = 128)] SqlString typeName,
            SqlInt16 maxLength,
            SqlByte precision,
            SqlByte scale)
        {
            if (typeName.IsNull || maxLength.IsNull || precision.IsNull || scale.IsNull)
            {
                return SqlString.Null;
            }

            ReplicationColumnType? type = ReplicationColumnType.FromCatalog(typeName.Value, maxLength.Value, precision.Value, scale.Value);
            return type == null ? SqlString.Null : new SqlString(type.Text);
        }

        /// <summary>
        /// dbo.MC_replivalueproblem(@expression, @allowedFunctions): NULL when a REPLI value reads
        /// GesCom data only (<see cref="ReplicationValueParser"/>), otherwise the reason in French,
        /// naming the offending part. @allowedFunctions: the allow-list (dbo.MC_ReplicationFunction),
        /// schema.name entries separated by commas. MC_setsysparams checks at declaration,
        /// MC_replicate again at replication time (a row changed behind its back).
        /// </summary>
        [return: SqlFacet(MaxSize = -1)]
        [SqlFunction(Name = "MC_replivalueproblem", IsDeterministic = true, IsPrecise = true,
            DataAccess = DataAccessKind.None, SystemDataAccess = SystemDataAccessKind.None)]
        public static SqlString ReplicationValueProblem([SqlFacet(MaxSize = -1)] SqlString expression, [SqlFacet(MaxSize = -1)] SqlString allowedFunctions)
        {
            ReplicationValueProblem? problem = ReplicationValueParser.Check(
                expression.IsNull ? null : expression.Value,
                allowedFunctions.IsNull ? null : allowedFunctions.Value);
            return problem == null ? SqlString.Null : new SqlString(problem.Message);
        }

        /// <summary>
        /// dbo.MC_replicheck(@server, @database, @expression, @columnType): the text that
        /// sys.dm_exec_describe_first_result_set compiles to check one field against the
        /// integration's F_COMPTET; with a NULL @expression, the check that F_COMPTET can be read.
        /// </summary>
        [return: SqlFacet(MaxSize = -1)]
        [SqlFunction(Name = "MC_replicheck", IsDeterministic = false, IsPrecise = true,
            DataAccess = DataAccessKind.Read, SystemDataAccess = SystemDataAccessKind.None)]
        public static SqlString ReplicationCheck(
            [SqlFacet(MaxSize = 128)] SqlString server,
            [SqlFacet(MaxSize = 128)] SqlString database,
            [SqlFacet(MaxSize = -1)] SqlString expression,
            [SqlFacet(MaxSize = 128)] SqlString columnType)
        {
            GesComLocation location = Location(server, database);
            return new SqlString(expression.IsNull
                ? ReplicationStatementBuilder.BuildSourceCheck(location)
                : ReplicationStatementBuilder.BuildCheck(location, expression.Value, columnType.IsNull ? string.Empty : columnType.Value));
        }

        /// <summary>
        /// dbo.MC_replistatement(@server, @database, @fields, @part): one of the replication
        /// statements for the fields of the XML list (&lt;fields&gt;&lt;field parameter column type&gt;expression&lt;/field&gt;&lt;/fields&gt;):
        /// 'columns' (ALTER TABLE of the local table, no parameter), 'read' (run with
        /// sp_executesql N'@token int, @NewToken int OUTPUT', before any transaction) or 'write'
        /// (N'@RowsChanged int OUTPUT'). Any other @part is an error.
        /// </summary>
        [return: SqlFacet(MaxSize = -1)]
        [SqlFunction(Name = "MC_replistatement", IsDeterministic = false, IsPrecise = true,
            DataAccess = DataAccessKind.Read, SystemDataAccess = SystemDataAccessKind.None)]
        public static SqlString ReplicationStatement(
            [SqlFacet(MaxSize = 128)] SqlString server,
            [SqlFacet(MaxSize = 128)] SqlString database,
            [SqlFacet(MaxSize = -1)] SqlString fields,
            [SqlFacet(MaxSize = 10)] SqlString part)
        {
            var list = ReplicationFieldList.Parse(fields.IsNull ? null : fields.Value);
            switch (part.IsNull ? string.Empty : part.Value)
            {
                case "columns":
                    return new SqlString(ReplicationStatementBuilder.BuildColumns(list));
                case "read":
                    return new SqlString(ReplicationStatementBuilder.BuildRead(Location(server, database), list));
                case "write":
                    return new SqlString(ReplicationStatementBuilder.BuildWrite(list));
                default:
                    throw new System.ArgumentException("@part is 'columns', 'read' or 'write'.", nameof(part));
            }
        }

        /// <summary>
        /// dbo.MC_replireferences(@fields, @part): what the values of the fields of the XML list read
        /// (<see cref="Replication.ReplicationReferences"/>): 'tables', the GesCom tables separated by
        /// commas (F_COMPTET first), the @tables of dbo.MC_replimetadataread's text; 'functions',
        /// &lt;functions&gt;&lt;function name="[dbo].[X]"/&gt;&lt;/functions&gt;. Any other @part is an error.
        /// </summary>
        [return: SqlFacet(MaxSize = -1)]
        [SqlFunction(Name = "MC_replireferences", IsDeterministic = true, IsPrecise = true,
            DataAccess = DataAccessKind.None, SystemDataAccess = SystemDataAccessKind.None)]
        public static SqlString References([SqlFacet(MaxSize = -1)] SqlString fields, [SqlFacet(MaxSize = 10)] SqlString part)
        {
            var references = ReplicationReferences.Of(ReplicationFieldList.Parse(fields.IsNull ? null : fields.Value));
            switch (part.IsNull ? string.Empty : part.Value)
            {
                case "tables":
                    return new SqlString(references.TableList());
                case "functions":
                    return new SqlString(references.FunctionListXml());
                default:
                    throw new System.ArgumentException("@part is 'tables' or 'functions'.", nameof(part));
            }
        }

        /// <summary>
        /// dbo.MC_replimetadataread(@server, @database): the text that reads the metadata of the
        /// integration's GesCom tables (<see cref="ReplicationCatalog.BuildGesComRead"/>), run with
        /// sp_executesql N'@tables nvarchar(max), @metadata nvarchar(max) OUTPUT' before any transaction.
        /// </summary>
        [return: SqlFacet(MaxSize = -1)]
        [SqlFunction(Name = "MC_replimetadataread", IsDeterministic = false, IsPrecise = true,
            DataAccess = DataAccessKind.Read, SystemDataAccess = SystemDataAccessKind.None)]
        public static SqlString MetadataRead([SqlFacet(MaxSize = 128)] SqlString server, [SqlFacet(MaxSize = 128)] SqlString database)
        {
            return new SqlString(ReplicationCatalog.BuildGesComRead(Location(server, database)));
        }

        /// <summary>
        /// dbo.MC_replifingerprints(@server, @database, @fields, @gescom, @functions, @engine): the
        /// validation fingerprint of each field of the XML list (<see cref="ReplicationFingerprint"/>),
        /// as &lt;fingerprints&gt;&lt;field no=".." fingerprint="0x.."/&gt;&lt;/fingerprints&gt;
        /// (no: the field's "no" attribute). @gescom and @functions: the metadata documents
        /// <see cref="ReplicationCatalog.Parse"/> reads; @engine: the engine facts dbo.MC_replicate passes.
        /// </summary>
        [return: SqlFacet(MaxSize = -1)]
        [SqlFunction(Name = "MC_replifingerprints", IsDeterministic = false, IsPrecise = true,
            DataAccess = DataAccessKind.Read, SystemDataAccess = SystemDataAccessKind.None)]
        public static SqlString Fingerprints(
            [SqlFacet(MaxSize = 128)] SqlString server,
            [SqlFacet(MaxSize = 128)] SqlString database,
            [SqlFacet(MaxSize = -1)] SqlString fields,
            [SqlFacet(MaxSize = -1)] SqlString gescom,
            [SqlFacet(MaxSize = -1)] SqlString functions,
            [SqlFacet(MaxSize = 4000)] SqlString engine)
        {
            GesComLocation location = Location(server, database);
            var catalog = ReplicationCatalog.Parse(gescom.IsNull ? null : gescom.Value, functions.IsNull ? null : functions.Value);
            var text = new System.Text.StringBuilder();
            using (var writer = System.Xml.XmlWriter.Create(text, new System.Xml.XmlWriterSettings { OmitXmlDeclaration = true }))
            {
                writer.WriteStartElement("fingerprints");
                foreach (ReplicationField field in ReplicationFieldList.Parse(fields.IsNull ? null : fields.Value))
                {
                    byte[] fingerprint = ReplicationFingerprint.Compute(location, field, engine.IsNull ? null : engine.Value, catalog);
                    writer.WriteStartElement("field");
                    writer.WriteAttributeString("no", field.Key);
                    writer.WriteAttributeString("fingerprint", ReplicationFingerprint.ToHex(fingerprint));
                    writer.WriteEndElement();
                }

                writer.WriteEndElement();
            }

            return new SqlString(text.ToString());
        }

        /// <summary>
        /// dbo.MC_replilimits(@server, @database, @fields): NULL when the fields of the XML list stay
        /// within SQL Server's limits (<see cref="ReplicationLimits"/>), otherwise the fields to refuse,
        /// as &lt;refused&gt;&lt;field no=".." limit=".."&gt;French reason&lt;/field&gt;&lt;/refused&gt;.
        /// </summary>
        [return: SqlFacet(MaxSize = -1)]
        [SqlFunction(Name = "MC_replilimits", IsDeterministic = false, IsPrecise = true,
            DataAccess = DataAccessKind.Read, SystemDataAccess = SystemDataAccessKind.None)]
        public static SqlString LimitProblems(
            [SqlFacet(MaxSize = 128)] SqlString server,
            [SqlFacet(MaxSize = 128)] SqlString database,
            [SqlFacet(MaxSize = -1)] SqlString fields)
        {
            var list = ReplicationFieldList.Parse(fields.IsNull ? null : fields.Value);
            var problems = ReplicationLimits.Check(Location(server, database), list);
            bool any = false;
            var text = new System.Text.StringBuilder();
            using (var writer = System.Xml.XmlWriter.Create(text, new System.Xml.XmlWriterSettings { OmitXmlDeclaration = true }))
            {
                writer.WriteStartElement("refused");
                for (int i = 0; i < list.Count; i++)
                {
                    ReplicationLimitProblem? problem = problems[i];
                    if (problem != null)
                    {
                        any = true;
                        writer.WriteStartElement("field");
                        writer.WriteAttributeString("no", list[i].Key);
                        writer.WriteAttributeString("limit", problem.Limit);
                        writer.WriteString(problem.Message);
                        writer.WriteEndElement();
                    }
                }

                writer.WriteEndElement();
            }

            return any ? new SqlString(text.ToString()) : SqlString.Null;
        }

        private static GesComLocation Location(SqlString server, SqlString database) =>
            GesComLocation.Create(
                server.IsNull ? null : server.Value,
                database.IsNull ? null : database.Value,
                LocalServer.Name());
    }
}
