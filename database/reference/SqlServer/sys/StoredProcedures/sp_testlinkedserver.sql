-- sys.sp_testlinkedserver (SQL Server system procedure; reference only, see SqlServer.sqlproj).
CREATE PROCEDURE sys.sp_testlinkedserver
    @servername sysname
AS
RETURN 0;
