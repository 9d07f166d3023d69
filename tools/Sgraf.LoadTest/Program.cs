using Sgraf.LoadTest.Cli;

return LoadCommandLine.Build().Parse(args).Invoke();
