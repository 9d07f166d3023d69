using Sgraf.Tools;
using Sgraf.Training.Cli;
using Sgraf.Training.Training;

SingleMallocArena.RestartWithOneArena(args);
return CommandLineErrors.Invoke(SgrafCommandLine.Build().Parse(args));
