namespace CrmDb.Clr
{
    /// <summary>The name of the instance the assembly runs in (@@SERVERNAME), when there is one.</summary>
    internal static class LocalServer
    {
        /// <summary>Inside SQL Server: @@SERVERNAME through the context connection; elsewhere null.</summary>
        public static string? Name()
        {
#if NETFRAMEWORK
            using (var connection = new System.Data.SqlClient.SqlConnection("context connection=true"))
            using (var command = new System.Data.SqlClient.SqlCommand("SELECT @@SERVERNAME;", connection))
            {
                connection.Open();
                return command.ExecuteScalar() as string;
            }
#else
            return null;
#endif
        }
    }
}
