namespace Sgraf.Inference.Runtime;

/// <summary>Where a runtime's sessions run, and why: what its one start-up log line says, and readiness and metrics show.</summary>
/// <param name="Reason">For people: what was asked for and what the host has, e.g. the CUDA library that is missing.</param>
public sealed record DeviceChoice(ExecutionDevice Device, string Reason);
