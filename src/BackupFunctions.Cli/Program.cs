using System.CommandLine;
using BackupFunctions.Cli;
using BackupFunctions.Cli.Commands;
using BackupFunctions.Cli.Output;

StartupTrace.Mark("main");

var global = new GlobalOptions();
var root = new RootCommand("backupctl: PostgreSQL backups to several clouds at once, verified and restorable.");
global.AddTo(root);
root.Subcommands.Add(BackupCommand.Create(global));
root.Subcommands.Add(ListCommand.Create(global));
root.Subcommands.Add(VerifyCommand.Create(global));
root.Subcommands.Add(RestoreCommand.Create(global));
root.Subcommands.Add(KeysCommand.Create(global));
root.Subcommands.Add(TargetsCommand.Create(global));
root.Subcommands.Add(CatalogCommand.Create(global));
root.Subcommands.Add(AlertsCommand.Create(global));
root.Subcommands.Add(StatusCommand.Create(global));
root.Subcommands.Add(RetentionCommand.Create(global));
root.Subcommands.Add(DrCommand.Create(global));
root.Subcommands.Add(WalCommand.Create(global));
root.Subcommands.Add(BaseBackupCommand.Create(global));
var parsed = root.Parse(args);
StartupTrace.Mark("command line parsed");
return await parsed.InvokeAsync();
