namespace Sgraf.Api.Cluster;

/// <summary>
/// A shard refused what this silo sent it, which this silo's front had already checked by the same rules: the silos
/// disagree (Sgraf:Limits or the bundle differ between them). A fault of the deployment, answered 500 and logged.
/// </summary>
public sealed class ShardRefusedException(int shard, string what, string why)
    : InvalidOperationException($"shard {shard} refused to {what}: {why}; check that every silo has the same Sgraf:Limits and bundle");
