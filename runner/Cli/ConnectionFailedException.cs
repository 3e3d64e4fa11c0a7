namespace CrmDb.Runner.Cli;

/// <summary>The server could not be reached or refused the login; ends crmdb with exit status 1 and this one message.</summary>
public sealed class ConnectionFailedException(string message, Exception inner) : Exception(message, inner);
