-- sys.dm_exec_describe_first_result_set (SQL Server dynamic management function; reference
-- only, see SqlServer.sqlproj). Unlike sys.sp_describe_first_result_set it does not raise a
-- compile error of @tsql: it returns it as a row whose error_number is not NULL.
CREATE FUNCTION sys.dm_exec_describe_first_result_set
(
    @tsql                       nvarchar(max),
    @params                     nvarchar(max),
    @include_browse_information bit
)
RETURNS TABLE
AS
RETURN
SELECT CAST(NULL AS bit)            AS is_hidden,
       CAST(NULL AS int)            AS column_ordinal,
       CAST(NULL AS sysname)        AS name,
       CAST(NULL AS bit)            AS is_nullable,
       CAST(NULL AS int)            AS system_type_id,
       CAST(NULL AS nvarchar(256))  AS system_type_name,
       CAST(NULL AS smallint)       AS max_length,
       CAST(NULL AS tinyint)        AS precision,
       CAST(NULL AS tinyint)        AS scale,
       CAST(NULL AS sysname)        AS collation_name,
       CAST(NULL AS int)            AS user_type_id,
       CAST(NULL AS int)            AS error_number,
       CAST(NULL AS int)            AS error_severity,
       CAST(NULL AS int)            AS error_state,
       CAST(NULL AS nvarchar(4096)) AS error_message,
       CAST(NULL AS int)            AS error_type,
       CAST(NULL AS nvarchar(60))   AS error_type_desc;
