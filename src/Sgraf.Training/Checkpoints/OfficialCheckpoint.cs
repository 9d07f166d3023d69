using Sgraf.Inference;
using Sgraf.Inference.Model;
using Sgraf.Training.Checkpoints.Pickle;

namespace Sgraf.Training.Checkpoints;

/// <summary>
/// A checkpoint written by the official SGRAF train.py (<c>model_best.pth.tar</c>, spec §14): a dict with
/// epoch, model (three state dicts), best_rsum, opt (argparse.Namespace) and Eiters. The config comes from opt,
/// and the weights are checked against it tensor by tensor.
/// </summary>
public sealed class OfficialCheckpoint
{
    static readonly string[] Saved = ["epoch", "model", "best_rsum", "opt", "Eiters"];

    OfficialCheckpoint(string sourcePath, TorchSaveFormat format, SgrafConfig config, ModelWeights weights,
        IReadOnlyDictionary<string, object?> options, long? epoch, double? bestRsum, long? iterations)
    {
        SourcePath = sourcePath;
        Format = format;
        Config = config;
        Weights = weights;
        Options = options;
        Epoch = epoch;
        BestRsum = bestRsum;
        Iterations = iterations;
    }

    public string SourcePath { get; }
    public TorchSaveFormat Format { get; }
    public SgrafConfig Config { get; }
    public ModelWeights Weights { get; }

    /// <summary>Every opt field as saved (strings, longs, doubles, bools), for provenance.</summary>
    public IReadOnlyDictionary<string, object?> Options { get; }

    /// <summary>The saved <c>epoch</c> (train.py stores epoch + 1).</summary>
    public long? Epoch { get; }

    /// <summary>The validation R-sum of the saved model.</summary>
    public double? BestRsum { get; }

    /// <summary>The saved <c>Eiters</c>: training iterations so far.</summary>
    public long? Iterations { get; }

    /// <summary>Reads and validates an official checkpoint (zip or legacy format).</summary>
    /// <exception cref="InvalidInputException">The file is unreadable, not an SGRAF checkpoint, or its weights do not fit its opt.</exception>
    public static OfficialCheckpoint Load(string path)
    {
        var file = TorchSaveReader.Read(path);
        if (file.Root is not OrderedDictionary<object, object?> top)
            throw InvalidInputException.InFile(path,
                $"the saved object is {Describe(file.Root)}, not the dict train.py saves ({string.Join(", ", Saved)})");
        if (!top.TryGetValue("model", out var model) || model is not List<object?> { Count: 3 } parts)
            throw InvalidInputException.InFile(path, "the checkpoint dict has no 'model' entry holding a list of three state dicts (img_enc, txt_enc, sim_enc)");
        if (!top.TryGetValue("opt", out var opt) || opt is not Dictionary<string, object?> options)
            throw InvalidInputException.InFile(path, "the checkpoint dict has no 'opt' entry holding an argparse.Namespace");

        var config = ConfigFromOptions(path, options);
        var weights = new ModelWeights(
            StateDict(path, parts[0], StateDictPart.ImageEncoder),
            StateDict(path, parts[1], StateDictPart.TextEncoder),
            StateDict(path, parts[2], StateDictPart.Similarity));
        ParameterLayout.Validate(config, weights, path);
        return new OfficialCheckpoint(path, file.Format, config, weights, options,
            Optional<long>(path, top, "epoch"), Number(path, top, "best_rsum"), Optional<long>(path, top, "Eiters"));
    }

    /// <summary>Builds the model config from the saved opt (spec §1); a missing or mistyped field is an error.</summary>
    static SgrafConfig ConfigFromOptions(string path, Dictionary<string, object?> opt)
    {
        var moduleName = Field<string>(path, opt, "module_name");
        if (!Enum.TryParse<SimilarityModule>(moduleName, ignoreCase: false, out var module) || !Enum.IsDefined(module))
            throw InvalidInputException.InFile(path, $"opt.module_name is '{moduleName}', neither SGR nor SAF");
        var config = new SgrafConfig
        {
            Module = module,
            VocabSize = Int(path, opt, "vocab_size"),
            ImgDim = Int(path, opt, "img_dim"),
            WordDim = Int(path, opt, "word_dim"),
            EmbedSize = Int(path, opt, "embed_size"),
            SimDim = Int(path, opt, "sim_dim"),
            SgrStep = Int(path, opt, "sgr_step"),
            NumLayers = Int(path, opt, "num_layers"),
            BiGru = Field<bool>(path, opt, "bi_gru"),
            NoImgNorm = Field<bool>(path, opt, "no_imgnorm"),
            NoTxtNorm = Field<bool>(path, opt, "no_txtnorm"),
        };
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidInputException($"{path}: opt does not describe a model: {e.Message}", e);
        }
        return config;
    }

    static OrderedDictionary<string, HostTensor> StateDict(string path, object? value, StateDictPart part)
    {
        if (value is not OrderedDictionary<object, object?> dict)
            throw InvalidInputException.InFile(path, $"model[{(int)part}] ({part.Prefix()}) is {Describe(value)}, not a state dict");
        var result = new OrderedDictionary<string, HostTensor>();
        foreach (var (key, tensor) in dict)
        {
            if (key is not string name || tensor is not HostTensor hostTensor)
                throw InvalidInputException.InFile(path, $"model[{(int)part}] ({part.Prefix()}) maps {Describe(key)} to {Describe(tensor)}, not a name to a tensor");
            result[name] = hostTensor;
        }
        return result;
    }

    static int Int(string path, Dictionary<string, object?> opt, string name)
    {
        var value = Field<long>(path, opt, name);
        return value is >= int.MinValue and <= int.MaxValue
            ? (int)value
            : throw InvalidInputException.InFile(path, $"opt.{name} = {value} is out of range");
    }

    static T Field<T>(string path, Dictionary<string, object?> opt, string name)
    {
        if (!opt.TryGetValue(name, out var value))
            throw InvalidInputException.InFile(path, $"opt has no '{name}', which the model architecture depends on");
        return value is T typed
            ? typed
            : throw InvalidInputException.InFile(path, $"opt.{name} is {Describe(value)}, not a {typeof(T).Name}");
    }

    static T? Optional<T>(string path, OrderedDictionary<object, object?> top, string name) where T : struct =>
        !top.TryGetValue(name, out var value) || value is null ? null
        : value is T typed ? typed
        : throw InvalidInputException.InFile(path, $"the checkpoint's '{name}' is {Describe(value)}, not a number");

    static double? Number(string path, OrderedDictionary<object, object?> top, string name) =>
        top.TryGetValue(name, out var value) && value is long integer ? integer : Optional<double>(path, top, name);

    static string Describe(object? value) => PickleGlobals.Describe(value);
}
