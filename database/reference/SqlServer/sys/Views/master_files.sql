-- sys.master_files (SQL Server catalog view; reference only, see SqlServer.sqlproj).
-- differential_base_lsn is NULL while a database has no differential base (no full backup yet).
CREATE VIEW sys.master_files
AS
SELECT CAST(NULL AS int)            AS database_id,
       CAST(NULL AS int)            AS file_id,
       CAST(NULL AS tinyint)        AS type,
       CAST(NULL AS numeric(25, 0)) AS differential_base_lsn;
