-- sys.parameters (SQL Server catalog view; reference only, see SqlServer.sqlproj).
CREATE VIEW sys.parameters
AS
SELECT CAST(NULL AS int)         AS object_id,
       CAST(NULL AS sysname)     AS name,
       CAST(NULL AS int)         AS parameter_id,
       CAST(NULL AS tinyint)     AS system_type_id,
       CAST(NULL AS int)         AS user_type_id,
       CAST(NULL AS smallint)    AS max_length,
       CAST(NULL AS tinyint)     AS precision,
       CAST(NULL AS tinyint)     AS scale,
       CAST(NULL AS bit)         AS is_output,
       CAST(NULL AS bit)         AS is_cursor_ref,
       CAST(NULL AS bit)         AS has_default_value,
       CAST(NULL AS bit)         AS is_xml_document,
       CAST(NULL AS sql_variant) AS default_value,
       CAST(NULL AS int)         AS xml_collection_id,
       CAST(NULL AS bit)         AS is_readonly,
       CAST(NULL AS bit)         AS is_nullable;
