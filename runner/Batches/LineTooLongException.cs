namespace CrmDb.Runner.Batches;

/// <summary>A line, or a batch, longer than the reader allows (<see cref="BatchParser.MaxLength"/>).</summary>
public sealed class LineTooLongException : IOException
{
    /// <summary>Creates the exception.</summary>
    public LineTooLongException()
        : base("line too long")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public LineTooLongException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public LineTooLongException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
