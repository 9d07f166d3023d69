using Sgraf.Inference;
using Sgraf.Training.Model;

namespace Sgraf.Training.Checkpoints;

/// <summary>Where a model comes from on the command line: a project checkpoint folder or an official checkpoint file.</summary>
public static class ModelSource
{
    /// <exception cref="InvalidInputException">The path is neither, or what it holds cannot be read.</exception>
    public static ModelCheckpoint Read(string path)
    {
        if (Directory.Exists(path)) return ModelCheckpoint.Load(path);
        if (File.Exists(path)) return ModelCheckpoint.FromOfficial(OfficialCheckpoint.Load(path), DateTimeOffset.UtcNow);
        throw InvalidInputException.InFile(path, "no such checkpoint folder or official checkpoint file");
    }

    /// <summary>The model of <paramref name="path"/> with its weights, in eval mode on the CPU.</summary>
    public static SgrafModel LoadModel(string path) => Instantiate(Read(path));

    public static SgrafModel Instantiate(ModelCheckpoint checkpoint)
    {
        var model = new SgrafModel(checkpoint.Config);
        ModuleWeights.Load(model, checkpoint.Weights.Flatten().ToDictionary(), $"{checkpoint.Config.Module} model");
        model.eval();
        return model;
    }
}
