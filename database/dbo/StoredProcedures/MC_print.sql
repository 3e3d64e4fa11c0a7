/*
MC_print: streams a message to the client at once (SSMS Messages tab, crmdb console).

Why not PRINT: PRINT is buffered until the batch ends and cuts long text. RAISERROR ... WITH
NOWAIT streams, but takes at most 2,047 characters and reads % as a format character, so the
text is passed as the argument of '%s' and sent one line per message; a line longer than one
message is sent in pieces of 2,000 characters. Nothing is lost.

Parameters
    @Message nvarchar(max)  the text; CRLF, LF or CR line ends. NULL prints nothing.

Example
    EXEC dbo.MC_print @Message = N'Début du cycle : 100 % des tiers';

Version 1.0.0
*/
CREATE PROCEDURE dbo.MC_print
    @Message nvarchar(max)
AS
BEGIN
    SET NOCOUNT ON;

    IF @Message IS NULL
        RETURN 0;

    DECLARE @MaxPiece int = 2000;
    DECLARE @Text nvarchar(max) = REPLACE(REPLACE(@Message, NCHAR(13) + NCHAR(10), NCHAR(10)), NCHAR(13), NCHAR(10));
    DECLARE @Line nvarchar(max);
    DECLARE @Piece nvarchar(2000);
    DECLARE @End int;

    -- A final line end would only add an empty message.
    IF RIGHT(@Text, 1) = NCHAR(10)
        SET @Text = LEFT(@Text, DATALENGTH(@Text) / 2 - 1);

    WHILE 1 = 1
    BEGIN
        SET @End = CHARINDEX(NCHAR(10), @Text);
        SET @Line = CASE WHEN @End = 0 THEN @Text ELSE LEFT(@Text, @End - 1) END;

        WHILE DATALENGTH(@Line) / 2 > @MaxPiece
        BEGIN
            SET @Piece = LEFT(@Line, @MaxPiece);
            RAISERROR(N'%s', 0, 1, @Piece) WITH NOWAIT;
            SET @Line = SUBSTRING(@Line, @MaxPiece + 1, DATALENGTH(@Line) / 2);
        END;

        SET @Piece = @Line;
        RAISERROR(N'%s', 0, 1, @Piece) WITH NOWAIT;

        IF @End = 0
            BREAK;

        SET @Text = SUBSTRING(@Text, @End + 1, DATALENGTH(@Text) / 2);
    END;

    RETURN 0;
END;
