using CrmDb.Runner.Cli;

return await CrmDbApp.RunAsync(args, CliContext.FromConsole()).ConfigureAwait(false);
