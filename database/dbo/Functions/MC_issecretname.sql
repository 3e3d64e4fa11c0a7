/*
MC_issecretname: 1 when a global parameter's name marks its value as a secret, else 0. The
built-in markers are CrmDb.Clr.SecretNames' (PASSWORD, PWD, SECRET, TOKEN, APIKEY, CREDENTIAL,
any case; a test keeps both lists equal), extended by the DBA's table dbo.MC_SecretName.
Plain T-SQL, like dbo.MC_getsysparam that calls it: it must work where CLR is disabled.
Compared upper-cased under a binary collation, whatever the database's collation.

Example
    SELECT dbo.MC_issecretname(N'Smtp_Password');  -- 1

Version 1.0.0
*/
CREATE FUNCTION dbo.MC_issecretname
(
    @name nvarchar(4000)
)
RETURNS bit
AS
BEGIN
    DECLARE @Upper nvarchar(4000) = UPPER(@name) COLLATE Latin1_General_BIN2;
    IF @Upper IS NULL
        RETURN 0;

    IF CHARINDEX(N'PASSWORD', @Upper) > 0 OR CHARINDEX(N'PWD', @Upper) > 0 OR CHARINDEX(N'SECRET', @Upper) > 0
       OR CHARINDEX(N'TOKEN', @Upper) > 0 OR CHARINDEX(N'APIKEY', @Upper) > 0 OR CHARINDEX(N'CREDENTIAL', @Upper) > 0
        RETURN 1;

    IF EXISTS (SELECT 1 FROM dbo.MC_SecretName AS S
               WHERE CHARINDEX(UPPER(S.Marker) COLLATE Latin1_General_BIN2, @Upper) > 0)
        RETURN 1;

    RETURN 0;
END;
