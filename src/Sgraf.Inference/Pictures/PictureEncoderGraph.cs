using System.Security.Cryptography;
using Google.Protobuf;
using Sgraf.Inference.Onnx.Proto;
using Sgraf.Inference.Runtime;
using DataType = Sgraf.Inference.Onnx.Proto.TensorProto.Types.DataType;

namespace Sgraf.Inference.Pictures;

/// <summary>A picture encoder graph and its description for a bundle's manifest.</summary>
public sealed record BuiltPictureEncoder(byte[] Graph, BundlePictureEncoder Description);

/// <summary>
/// Builds <c>picture_encoder.onnx</c> from the ResNet-18 package's two graphs: pictures (N, 224, 224, 3) uint8 RGB,
/// 0–255, rows top to bottom, channels last — the decoder's pixels as they are — through the package's preprocessing
/// (to BGR, minus its 224 × 224 mean image) and ResNet-18 up to its last convolutional map (N, 512, 7, 7), which is
/// pooled to a 6 × 6 grid of 36 regions (N, 36, 512): "grid features" (Jiang et al., CVPR 2020).
/// Region r covers grid cell (row r / 6, column r % 6), row-major from the top left: a 2 × 2 average with stride 1 of
/// the 7 × 7 map, which is exactly adaptive average pooling 7 → 6 (cell i averages map rows i and i + 1).
/// The package's own global pooling (the mean over the 7 × 7 map) is dropped; the map itself is a second output.
/// The build is deterministic: the same package gives the same bytes.
/// </summary>
public static class PictureEncoderGraph
{
    public const string InputName = "pictures";
    public const string RegionsOutput = "regions";
    public const string FeatureMapOutput = "feature_map";
    public const int InputSize = 224;
    public const int Grid = 6;
    public const int Regions = Grid * Grid;
    public const int MapSize = 7;
    public const int ImgDim = 512;

    /// <summary>Changes whenever this builder would write different bytes from the same package.</summary>
    public const string BuilderVersion = "resnet18-grid6-v1";

    /// <summary>The key of <see cref="Describe"/> in the graph's metadata.</summary>
    public const string MetadataKey = "sgraf.picture_encoder";

    // The names the package's graphs use (checked before anything is built).
    const string PreprocessInput = "OriginalInput";
    const string PreprocessOutput = "PreprocessedInput";
    const string ResNetInput = "Input247";
    const string ResNetMap = "ReLU393_Output_0";
    const string ResNetPooled = "Pooling395_Output_0";

    /// <summary>The encoder's contract in one line, as stored in its metadata.</summary>
    public static string Describe(string packageVersion) =>
        $"builder={BuilderVersion},source={PictureEncoderPackage.Id}/{packageVersion},input={InputName}:uint8[N,{InputSize},{InputSize},3]rgb," +
        $"output={RegionsOutput}:float[N,{Regions},{ImgDim}],grid={Grid}x{Grid}";

    /// <summary>Builds the encoder from <paramref name="package"/> and describes it: sizes, source hashes, its own SHA-256.</summary>
    /// <exception cref="InvalidInputException">A source graph is not the one this builder knows.</exception>
    public static BuiltPictureEncoder Build(PictureEncoderPackage package)
    {
        var sources = package.SourceHashes();
        var graph = BuildGraph(package);
        return new BuiltPictureEncoder(graph, new BundlePictureEncoder
        {
            File = BundleManifest.PictureEncoderFile,
            Input = InputName,
            InputLayout = "NHWC uint8 RGB 0-255",
            InputSize = InputSize,
            Output = RegionsOutput,
            Grid = Grid,
            ImgDim = ImgDim,
            Builder = BuilderVersion,
            Source = new PictureEncoderSource { Package = PictureEncoderPackage.Id, Version = PictureEncoderPackage.Version, Files = sources },
            Size = graph.Length,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(graph)),
        });
    }

    /// <summary>
    /// Rebuilds the encoder a bundle describes, for a bundle that comes without its file: the package must be the one
    /// it was built from, file for file, and the result must have the recorded SHA-256.
    /// </summary>
    /// <exception cref="InvalidInputException">Another package or builder, or a result that differs.</exception>
    public static BuiltPictureEncoder BuildFrom(PictureEncoderPackage package, BundlePictureEncoder expected)
    {
        var how = "rebuild the bundle's picture encoder with `sgraf export-onnx --picture-encoder resnet18 --out BUNDLE`";
        if (expected.Source.Package != PictureEncoderPackage.Id || expected.Source.Version != PictureEncoderPackage.Version || expected.Builder != BuilderVersion)
            throw new InvalidInputException(
                $"{expected.File} is missing and was built from {expected.Source.Package} {expected.Source.Version} by {expected.Builder}; " +
                $"this build has {PictureEncoderPackage.Id} {PictureEncoderPackage.Version} and {BuilderVersion}: {how}");
        var built = Build(package);
        foreach (var (file, sha) in expected.Source.Files)
            if (!built.Description.Source.Files.TryGetValue(file, out var actual) || !string.Equals(actual, sha, StringComparison.OrdinalIgnoreCase))
                throw InvalidInputException.InFile(Path.Combine(package.Folder, file),
                    $"SHA-256 {actual ?? "(absent)"} is not the {sha} the bundle's picture encoder was built from; the package is altered");
        if (!string.Equals(built.Description.Sha256, expected.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidInputException(
                $"{expected.File} rebuilt from {package.Folder} has SHA-256 {built.Description.Sha256}, not the manifest's {expected.Sha256}: {how}");
        return built;
    }

    static byte[] BuildGraph(PictureEncoderPackage package)
    {
        var preprocess = Read(package.PreprocessPath);
        var resnet = Read(package.ResNetPath);
        Expect(package.PreprocessPath, preprocess, PreprocessInput, PreprocessOutput);
        Expect(package.ResNetPath, resnet, ResNetInput, ResNetPooled);
        var pooling = resnet.Graph.Node.Single(n => n.Output.Contains(ResNetPooled));
        if (pooling.OpType != "AveragePool" || pooling.Input.Single() != ResNetMap)
            throw InvalidInputException.InFile(package.ResNetPath, $"{ResNetPooled} is not an average of {ResNetMap}; not the ResNet-18 this builder knows");
        var clash = preprocess.Graph.Node.SelectMany(n => n.Output).Intersect(resnet.Graph.Node.SelectMany(n => n.Output)).FirstOrDefault();
        if (clash is not null) throw InvalidInputException.InFile(package.ResNetPath, $"both source graphs name a value {clash}");

        var graph = new GraphProto { Name = "sgraf_picture_encoder" };
        graph.Input.Add(ValueInfo(InputName, DataType.Uint8, "N", InputSize, InputSize, 3));
        const string planar = "pictures_planar";
        graph.Node.Add(Node("Transpose", [InputName], planar, Ints("perm", 0, 3, 1, 2)));
        graph.Node.Add(Node("Cast", [planar], PreprocessInput, Int("to", (long)DataType.Float)));
        graph.Node.Add(preprocess.Graph.Node);
        graph.Initializer.Add(preprocess.Graph.Initializer);

        foreach (var node in resnet.Graph.Node)
        {
            if (node == pooling) continue;
            Rename(node.Input, ResNetInput, PreprocessOutput);
            Rename(node.Input, ResNetMap, FeatureMapOutput);
            Rename(node.Output, ResNetMap, FeatureMapOutput);
            graph.Node.Add(node);
        }
        graph.Initializer.Add(resnet.Graph.Initializer);

        const string grid = "grid", gridShape = "grid_shape", gridRows = "grid_rows";
        graph.Node.Add(Node("AveragePool", [FeatureMapOutput], grid, Ints("kernel_shape", 2, 2), Ints("strides", 1, 1)));
        var shape = new TensorProto { Name = gridShape, DataType = (int)DataType.Int64 };
        shape.Dims.Add(3);
        shape.Int64Data.Add([0, ImgDim, Regions]); // 0: keep the batch size
        graph.Initializer.Add(shape);
        graph.Node.Add(Node("Reshape", [grid, gridShape], gridRows));
        graph.Node.Add(Node("Transpose", [gridRows], RegionsOutput, Ints("perm", 0, 2, 1)));

        graph.Output.Add(ValueInfo(RegionsOutput, DataType.Float, "N", Regions, ImgDim));
        graph.Output.Add(ValueInfo(FeatureMapOutput, DataType.Float, "N", ImgDim, MapSize, MapSize));

        var model = new ModelProto
        {
            // IR 4: initializers need not be graph inputs (the package's graphs do not list them).
            IrVersion = 4,
            ProducerName = "sgraf",
            ProducerVersion = BuilderVersion,
            DocString = $"Pictures (N, {InputSize}, {InputSize}, 3) uint8 RGB → ResNet-18 grid features (N, {Regions}, {ImgDim}), " +
                        $"regions row-major over a {Grid} × {Grid} grid; and the last convolutional map (N, {ImgDim}, {MapSize}, {MapSize}).",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = resnet.OpsetImport.Single().Version });
        model.MetadataProps.Add(new StringStringEntryProto { Key = MetadataKey, Value = Describe(PictureEncoderPackage.Version) });
        return model.ToByteArray();
    }

    static ModelProto Read(string path)
    {
        try
        {
            return ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        }
        catch (InvalidProtocolBufferException e)
        {
            throw InvalidInputException.InFile(path, $"not an ONNX graph: {e.Message}");
        }
    }

    static void Expect(string path, ModelProto model, string input, string output)
    {
        // Both graphs are opset 8 (BatchNormalization still has its "spatial" attribute); the added nodes are opset 8 too.
        if (model.OpsetImport.Count != 1 || model.OpsetImport[0].Version != 8)
            throw InvalidInputException.InFile(path, "expected an opset 8 graph; not the package this builder knows");
        if (model.Graph.Input.Select(i => i.Name).SingleOrDefault() != input || model.Graph.Output.Select(o => o.Name).SingleOrDefault() != output)
            throw InvalidInputException.InFile(path, $"expected input {input} and output {output}; not the package this builder knows");
    }

    static void Rename(Google.Protobuf.Collections.RepeatedField<string> names, string from, string to)
    {
        for (int i = 0; i < names.Count; i++)
            if (names[i] == from) names[i] = to;
    }

    static NodeProto Node(string opType, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = $"{output}_node" };
        node.Input.Add(inputs);
        node.Output.Add(output);
        node.Attribute.Add(attributes);
        return node;
    }

    static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.Add(values);
        return attribute;
    }

    static ValueInfoProto ValueInfo(string name, DataType type, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d is string p ? new TensorShapeProto.Types.Dimension { DimParam = p } : new TensorShapeProto.Types.Dimension { DimValue = (int)d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }
}
