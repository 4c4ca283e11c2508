using SaltApiBridge.Cli;

return await BridgeCli.RunAsync(args);
