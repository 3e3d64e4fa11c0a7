/*
MC_autosynccatalog: the procedures of schema dbo whose name starts with AUTOSYNC (any case), as
the XML document dbo.MC_autosynchooks reads: name, definition (for parameter defaults, which
sys.parameters keeps for CLR procedures only) and declared parameters.

Returns one row, one column: Procedures nvarchar(max), NULL when there is none.
What it returns depends on the caller's rights: a procedure the caller may not see is not
listed, and its definition is NULL without VIEW DEFINITION (see docs/autosync.md).

Example
    SELECT Procedures FROM dbo.MC_autosynccatalog();

Version 1.0.0
*/
CREATE FUNCTION dbo.MC_autosynccatalog()
RETURNS TABLE
AS
RETURN
    SELECT Procedures =
    (
        SELECT
            s.name                          AS [@schema],
            p.name                          AS [@name],
            OBJECT_DEFINITION(p.object_id)  AS [definition],
            (
                SELECT
                    pa.name                          AS [@name],
                    TYPE_NAME(pa.system_type_id)     AS [@type],
                    TYPE_NAME(pa.user_type_id)       AS [@usertype],
                    pa.max_length                    AS [@maxlength],
                    pa.precision                     AS [@precision],
                    pa.scale                         AS [@scale],
                    pa.is_output                     AS [@output],
                    pa.is_readonly                   AS [@readonly],
                    pa.has_default_value             AS [@hasdefault]
                FROM sys.parameters AS pa
                WHERE pa.object_id = p.object_id
                ORDER BY pa.parameter_id
                FOR XML PATH(N'parameter'), TYPE
            )
        FROM sys.procedures AS p
        JOIN sys.schemas AS s ON s.schema_id = p.schema_id
        -- Hooks live in dbo: a copy kept in another schema must never run.
        WHERE s.name = N'dbo'
          AND UPPER(LEFT(p.name, 8)) = N'AUTOSYNC'
        ORDER BY p.name
        FOR XML PATH(N'procedure'), ROOT(N'procedures')
    );
