using Sgraf.Training.Cli;

return SgrafCommandLine.Build().Parse(args).Invoke();
