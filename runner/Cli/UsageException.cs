namespace CrmDb.Runner.Cli;

/// <summary>Bad usage or input, found before anything ran; ends crmdb with exit status 2.</summary>
public sealed class UsageException(string message) : Exception(message);
