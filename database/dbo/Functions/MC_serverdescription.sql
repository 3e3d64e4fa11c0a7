/*
MC_serverdescription: where a run happens, for the header of the AUTOSYNC runs and traces
(dbo.MC_runautosync, dbo.MC_traceautosync), in the manner of Ola Hallengren's run header:
server, SQL Server version and edition, database. Support copies it into tickets.

Returns one row, one column: Text nvarchar, for instance
    Serveur SRVCRM\SAGE (SQL Server 14.0.3465.1, Standard Edition (64-bit)), base CRM

Example
    SELECT d.Text FROM dbo.MC_serverdescription() AS d;

Version 1.0.0
*/
CREATE FUNCTION dbo.MC_serverdescription ()
RETURNS TABLE
AS
RETURN
    SELECT Text = CONCAT(
        N'Serveur ', @@SERVERNAME,
        N' (SQL Server ', CONVERT(nvarchar(128), SERVERPROPERTY(N'ProductVersion')), N', ', CONVERT(nvarchar(128), SERVERPROPERTY(N'Edition')),
        N'), base ', DB_NAME());
