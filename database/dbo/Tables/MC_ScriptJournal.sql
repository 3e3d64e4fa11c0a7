/*
MC_ScriptJournal: one row per script run by `crmdb run` (the automated SQL processing):
which component and script, the SHA-256 checksum of what ran (batches after sqlcmd variable
substitution, and the GesCom qualifier when the script has #F_/#P_ tokens), and how it ended.
A rerun skips a script whose latest row is 'success' with the same checksum, and runs failed,
interrupted (Ctrl+C or SIGTERM: 'interrupted'; a killed run leaves 'running') or changed
scripts again; --force runs all. Secret variable values are not part of the checksum.
Status was nvarchar(10) without 'interrupted': widening a column and replacing a CHECK lose
no data, so the DACPAC model carries the change (DacFx alters the column in place and
re-creates the constraint); no migration script is needed.
Rows are only added and updated by crmdb, on a session of its own, so a script's own errors or
rollbacks never undo them. History is kept: the latest row (highest JournalID) counts.
*/
CREATE TABLE dbo.MC_ScriptJournal
(
    JournalID      bigint         IDENTITY(1, 1) NOT NULL,
    Component      nvarchar(100)  NOT NULL,
    Script         nvarchar(260)  NOT NULL,
    Checksum       char(64)       NOT NULL,
    Status         nvarchar(20)   NOT NULL,
    Batches        int            NOT NULL,
    FailedBatches  int            NULL,
    StartedAt      datetime2(3)   NOT NULL CONSTRAINT DF_MC_ScriptJournal_StartedAt DEFAULT (SYSDATETIME()),
    FinishedAt     datetime2(3)   NULL,
    LoginName      nvarchar(128)  NOT NULL CONSTRAINT DF_MC_ScriptJournal_LoginName DEFAULT (ORIGINAL_LOGIN()),
    HostName       nvarchar(128)  NULL CONSTRAINT DF_MC_ScriptJournal_HostName DEFAULT (HOST_NAME()),
    ToolVersion    nvarchar(50)   NOT NULL,
    LogFile        nvarchar(400)  NULL,
    CONSTRAINT PK_MC_ScriptJournal PRIMARY KEY CLUSTERED (JournalID),
    CONSTRAINT CK_MC_ScriptJournal_Status CHECK (Status IN (N'running', N'success', N'failed', N'interrupted')),
    CONSTRAINT CK_MC_ScriptJournal_Checksum CHECK (LEN(Checksum) = 64),
    INDEX IX_MC_ScriptJournal_Component_Script NONCLUSTERED (Component, Script, JournalID DESC)
);
