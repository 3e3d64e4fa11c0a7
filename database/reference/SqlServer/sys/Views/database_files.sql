-- sys.database_files (SQL Server catalog or dynamic management view; reference only, see SqlServer.sqlproj).
CREATE VIEW sys.database_files
AS
SELECT CAST(NULL AS int) AS file_id,
       CAST(NULL AS tinyint) AS type,
       CAST(NULL AS int) AS size;
