-- sys.dm_exec_connections (SQL Server catalog or dynamic management view; reference only, see SqlServer.sqlproj).
CREATE VIEW sys.dm_exec_connections
AS
SELECT CAST(NULL AS int) AS session_id,
       CAST(NULL AS nvarchar(40)) AS net_transport,
       CAST(NULL AS int) AS local_tcp_port;
