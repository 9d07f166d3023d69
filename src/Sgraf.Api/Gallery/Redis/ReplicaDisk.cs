namespace Sgraf.Api.Gallery.Redis;

/// <summary>
/// Where a Redis replica keeps its copy of the gallery: its own <paramref name="DataDirectory"/>, the index it seals
/// there, and how many bytes of stream entries it applies between checkpoints.
/// </summary>
public sealed record ReplicaDisk(string DataDirectory, ISealableGallery Index, long CheckpointBytes);
