using Sgraf.Tools;
using Sgraf.Training.Cli;

return CommandLineErrors.Invoke(SgrafCommandLine.Build().Parse(args));
