-- Sage CRM communications: appointments and tasks (vendor table, reference only), with the
-- columns community sources show. Comm_DateTime is the start, Comm_ToDateTime the end;
-- Comm_RecurrenceId is set on a recurring appointment. dbo.MC_doctor checks each column at run
-- time before reading it.
CREATE TABLE dbo.Communication
(
    Comm_CommunicationId int           NOT NULL,
    Comm_Type            nvarchar(40)  NULL,
    Comm_Action          nvarchar(40)  NULL,
    Comm_Status          nvarchar(40)  NULL,
    Comm_DateTime        datetime      NULL,
    Comm_ToDateTime      datetime      NULL,
    Comm_RecurrenceId    int           NULL,
    Comm_CreatedBy       int           NULL,
    Comm_CreatedDate     datetime      NULL,
    Comm_UpdatedBy       int           NULL,
    Comm_UpdatedDate     datetime      NULL,
    Comm_TimeStamp       datetime      NULL,
    Comm_Deleted         tinyint       NULL,
    CONSTRAINT PK_Communication PRIMARY KEY CLUSTERED (Comm_CommunicationId)
);
