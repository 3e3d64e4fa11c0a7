-- Sage CRM users (vendor table, reference only). Community sources show User_UserId,
-- User_Logon and the Sage CRM audit convention (User_Deleted); User_Disabled ('Y' for a
-- disabled user) is what the doctor counts active users by. The French edition's columns are not
-- public: dbo.MC_doctor checks each one at run time (COL_LENGTH) before reading it.
CREATE TABLE dbo.Users
(
    User_UserId      int           NOT NULL,
    User_Logon       nvarchar(30)  NULL,
    User_Disabled    nchar(1)      NULL,
    User_CreatedBy   int           NULL,
    User_CreatedDate datetime      NULL,
    User_UpdatedBy   int           NULL,
    User_UpdatedDate datetime      NULL,
    User_TimeStamp   datetime      NULL,
    User_Deleted     tinyint       NULL,
    CONSTRAINT PK_Users PRIMARY KEY CLUSTERED (User_UserId)
);
