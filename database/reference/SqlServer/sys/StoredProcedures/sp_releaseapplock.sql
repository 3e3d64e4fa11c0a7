-- sys.sp_releaseapplock (SQL Server system procedure; reference only, see SqlServer.sqlproj).
CREATE PROCEDURE sys.sp_releaseapplock
    @Resource    nvarchar(255),
    @LockOwner   varchar(32) = 'Transaction',
    @DbPrincipal sysname = N'public'
AS
RETURN 0;
