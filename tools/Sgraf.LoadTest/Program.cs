using Sgraf.LoadTest.Cli;
using Sgraf.Tools;

return CommandLineErrors.Invoke(LoadCommandLine.Build().Parse(args));
