-- sys.sp_executesql (SQL Server system procedure; reference only, see SqlServer.sqlproj).
-- The engine's procedure takes the statement's own parameters after @params; a stub cannot
-- declare them, so CrmDb passes them by position.
CREATE PROCEDURE sys.sp_executesql
    @stmt   nvarchar(max),
    @params nvarchar(max) = NULL
AS
RETURN 0;
