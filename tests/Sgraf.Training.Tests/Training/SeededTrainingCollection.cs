namespace Sgraf.Training.Tests.Training;

/// <summary>
/// Tests that compare two seeded runs. Dropout draws from libtorch's one global generator, which any model
/// built on another test thread also draws from, so these run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SeededTrainingCollection
{
    public const string Name = "Seeded training";
}
