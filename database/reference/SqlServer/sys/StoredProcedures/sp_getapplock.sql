-- sys.sp_getapplock (SQL Server system procedure; reference only, see SqlServer.sqlproj).
CREATE PROCEDURE sys.sp_getapplock
    @Resource    nvarchar(255),
    @LockMode    varchar(32),
    @LockOwner   varchar(32) = 'Transaction',
    @LockTimeout int = NULL,
    @DbPrincipal sysname = N'public'
AS
RETURN 0;
