-- msdb.dbo.sysjobs (SQL Server Agent table; reference only, see Msdb.sqlproj).
CREATE TABLE dbo.sysjobs
(
    job_id      uniqueidentifier NOT NULL,
    name        sysname          NOT NULL,
    enabled     tinyint          NOT NULL,
    description nvarchar(512)    NULL
);
