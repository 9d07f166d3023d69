using System.Runtime.InteropServices;
using Google.Protobuf;
using Sgraf.Inference.Onnx.Proto;

namespace Sgraf.Training.Onnx;

/// <summary>One dimension of a graph input or output: a fixed size or a symbolic name ("N", "L").</summary>
internal readonly record struct Dim(long? Value, string? Param)
{
    public static implicit operator Dim(long value) => new(value, null);
    public static implicit operator Dim(string param) => new(null, param);
}

/// <summary>
/// Writes one ONNX graph (opset <see cref="Opset"/>, IR version <see cref="IrVersion"/>) node by node: every helper
/// adds a node and returns the name of its output, so exporters read like the model's equations. Initializers
/// are stored as little-endian raw data. Value names are unique within the graph.
/// </summary>
internal sealed class OnnxGraphBuilder(string graphName)
{
    public const int Opset = 17;
    public const int IrVersion = 8;

    readonly GraphProto graph = new() { Name = graphName };
    readonly HashSet<string> names = new(StringComparer.Ordinal);
    readonly Dictionary<string, int> counters = new(StringComparer.Ordinal);
    readonly Dictionary<(float, string), string> scalars = [];
    readonly Dictionary<string, string> int64Constants = new(StringComparer.Ordinal);

    /// <summary>Prepended to generated value names, e.g. "sgr/" while exporting the SGR model's part.</summary>
    public string Scope { get; set; } = "";

    public string Input(string name, TensorProto.Types.DataType type, params Dim[] dims)
    {
        Claim(name);
        graph.Input.Add(ValueInfo(name, type, dims));
        return name;
    }

    /// <summary>Declares <paramref name="value"/> as the graph output <paramref name="name"/>.</summary>
    public void Output(string value, string name, TensorProto.Types.DataType type, params Dim[] dims)
    {
        if (value != name)
        {
            Claim(name);
            graph.Node.Add(NewNode("Identity", [value], [name], []));
        }
        graph.Output.Add(ValueInfo(name, type, dims));
    }

    /// <summary>
    /// Declares the node output <paramref name="value"/> as the graph output <paramref name="name"/> by renaming it where
    /// it is produced and read, so, unlike <see cref="Output"/>, no Identity node (and in ONNX Runtime no copy) is added:
    /// the graph computes exactly what it computed before.
    /// </summary>
    public void Expose(string value, string name, TensorProto.Types.DataType type, params Dim[] dims)
    {
        Claim(name);
        int producers = 0;
        foreach (var node in graph.Node)
        {
            for (int i = 0; i < node.Input.Count; i++)
                if (node.Input[i] == value) node.Input[i] = name;
            for (int i = 0; i < node.Output.Count; i++)
                if (node.Output[i] == value) { node.Output[i] = name; producers++; }
        }
        if (producers != 1) throw new InvalidOperationException($"{value} is not the output of one node of the graph");
        graph.Output.Add(ValueInfo(name, type, dims));
    }

    public string Initializer(string name, long[] shape, ReadOnlySpan<float> values)
    {
        CheckCount(name, shape, values.Length);
        Claim(name);
        return AddInitializer(name, shape, TensorProto.Types.DataType.Float,
            MemoryMarshal.AsBytes(values));
    }

    public string Initializer(string name, long[] shape, ReadOnlySpan<long> values)
    {
        CheckCount(name, shape, values.Length);
        Claim(name);
        return AddInitializer(name, shape, TensorProto.Types.DataType.Int64,
            MemoryMarshal.AsBytes(values));
    }

    /// <summary>A float scalar constant, shared by every use of the same value in the same scope.</summary>
    public string Scalar(float value)
    {
        if (!scalars.TryGetValue((value, Scope), out var name))
            scalars[(value, Scope)] = name = AddInitializer(Fresh("scalar"), [], TensorProto.Types.DataType.Float,
                MemoryMarshal.AsBytes(new[] { value }.AsSpan()));
        return name;
    }

    /// <summary>A 1-D int64 constant (axes, shapes, permutations), shared by equal values.</summary>
    public string Int64s(params long[] values)
    {
        var key = string.Join(",", values);
        if (!int64Constants.TryGetValue(key, out var name))
            int64Constants[key] = name = AddInitializer(Fresh("ints"), [values.Length], TensorProto.Types.DataType.Int64,
                MemoryMarshal.AsBytes(values.AsSpan()));
        return name;
    }

    /// <summary>Adds a node with one output and returns the output's name.</summary>
    public string Node(string opType, string[] inputs, params AttributeProto[] attributes) =>
        Node(opType, inputs, 1, attributes)[0];

    /// <summary>Adds a node with <paramref name="outputs"/> outputs; an empty input name marks an omitted optional input.</summary>
    public string[] Node(string opType, string[] inputs, int outputs, params AttributeProto[] attributes)
    {
        var outputNames = Enumerable.Range(0, outputs).Select(_ => Fresh(opType)).ToArray();
        graph.Node.Add(NewNode(opType, inputs, outputNames, attributes));
        return outputNames;
    }

    public ModelProto Build(IReadOnlyDictionary<string, string> metadata, string docString)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "sgraf",
            ProducerVersion = typeof(OnnxGraphBuilder).Assembly.GetName().Version?.ToString() ?? "0",
            DocString = docString,
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (key, value) in metadata) model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    /// <summary>An int64 scalar constant.</summary>
    public string Int64Scalar(long value)
    {
        var key = $"scalar:{value}";
        if (!int64Constants.TryGetValue(key, out var name))
            int64Constants[key] = name = AddInitializer(Fresh("int"), [], TensorProto.Types.DataType.Int64,
                MemoryMarshal.AsBytes(new[] { value }.AsSpan()));
        return name;
    }

    // ---- attributes ----

    public static AttributeProto Attr(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attr(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Attr(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Attr(string name, long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    // ---- operators ----

    public string MatMul(string a, string b) => Node("MatMul", [a, b]);
    public string Add(string a, string b) => Node("Add", [a, b]);
    public string Sub(string a, string b) => Node("Sub", [a, b]);
    public string Mul(string a, string b) => Node("Mul", [a, b]);
    public string Div(string a, string b) => Node("Div", [a, b]);
    public string Sqrt(string x) => Node("Sqrt", [x]);
    public string Abs(string x) => Node("Abs", [x]);
    public string Tanh(string x) => Node("Tanh", [x]);
    public string Sigmoid(string x) => Node("Sigmoid", [x]);
    public string Relu(string x) => Node("Relu", [x]);
    public string LeakyRelu(string x, float alpha) => Node("LeakyRelu", [x], Attr("alpha", alpha));
    public string Softmax(string x, long axis) => Node("Softmax", [x], Attr("axis", axis));
    public string Transpose(string x, params long[] perm) => Node("Transpose", [x], Attr("perm", perm));
    public string Reshape(string x, params long[] shape) => Node("Reshape", [x, Int64s(shape)]);
    public string Unsqueeze(string x, params long[] axes) => Node("Unsqueeze", [x, Int64s(axes)]);
    public string Squeeze(string x, params long[] axes) => Node("Squeeze", [x, Int64s(axes)]);
    public string Concat(long axis, params string[] inputs) => Node("Concat", inputs, Attr("axis", axis));
    public string Gather(string data, string indices, long axis = 0) => Node("Gather", [data, indices], Attr("axis", axis));
    public string Where(string condition, string whenTrue, string whenFalse) => Node("Where", [condition, whenTrue, whenFalse]);
    public string Less(string a, string b) => Node("Less", [a, b]);
    public string Cast(string x, TensorProto.Types.DataType to) => Node("Cast", [x], Attr("to", (long)to));
    public string Shape(string x, long start, long end) => Node("Shape", [x], Attr("start", start), Attr("end", end));
    public string Range(string start, string limit, string delta) => Node("Range", [start, limit, delta]);

    /// <summary>Slice along one axis, [start, end).</summary>
    public string Slice(string x, long axis, long start, long end) =>
        Node("Slice", [x, Int64s(start), Int64s(end), Int64s(axis)]);

    /// <summary>Opset 13+: ReduceSum takes its axes as an input.</summary>
    public string ReduceSum(string x, long axis, bool keepDims = true) =>
        Node("ReduceSum", [x, Int64s(axis)], Attr("keepdims", keepDims ? 1L : 0L));

    /// <summary>Up to opset 17, ReduceMean takes its axes as an attribute.</summary>
    public string ReduceMean(string x, long axis, bool keepDims = true) =>
        Node("ReduceMean", [x], Attr("axes", new[] { axis }), Attr("keepdims", keepDims ? 1L : 0L));

    /// <summary>x W^T + b for a PyTorch Linear (weight (out, in), bias (out)); W^T is stored transposed.</summary>
    public string Linear(string x, string name, float[] weight, int outFeatures, int inFeatures, float[] bias)
    {
        var transposed = new float[weight.Length];
        for (int o = 0; o < outFeatures; o++)
            for (int i = 0; i < inFeatures; i++)
                transposed[i * outFeatures + o] = weight[o * inFeatures + i];
        var w = Initializer($"{Scope}{name}.weight_t", [inFeatures, outFeatures], transposed);
        var b = Initializer($"{Scope}{name}.bias", [outFeatures], bias);
        return Add(MatMul(x, w), b);
    }

    /// <summary>x Wt + b with Wt already (in, out) — a weight computed at export rather than read from a PyTorch Linear.</summary>
    public string LinearTransposed(string x, string name, float[] weightT, int inFeatures, int outFeatures, float[] bias)
    {
        var w = Initializer($"{Scope}{name}.weight_t", [inFeatures, outFeatures], weightT);
        var b = Initializer($"{Scope}{name}.bias", [outFeatures], bias);
        return Add(MatMul(x, w), b);
    }

    /// <summary>2-D a · bᵀ as one Gemm (no Transpose node, no copy).</summary>
    public string MatMulTransposedB(string a, string b) => Node("Gemm", [a, b], Attr("transB", 1L));

    public string Exp(string x) => Node("Exp", [x]);

    /// <summary>The official l2norm: x / (sqrt(Σ x²) + 1e-8) along <paramref name="axis"/>.</summary>
    public string L2Norm(string x, long axis) =>
        Div(x, Add(Sqrt(ReduceSum(Mul(x, x), axis)), Scalar(1e-8f)));

    /// <summary>The official l1norm: x / (Σ |x| + 1e-8) along <paramref name="axis"/>.</summary>
    public string L1Norm(string x, long axis) =>
        Div(x, Add(ReduceSum(Abs(x), axis), Scalar(1e-8f)));

    /// <summary>Fills the positions where <paramref name="keep"/> is false with the lowest float, so a softmax gives them weight 0.</summary>
    public string MaskBeforeSoftmax(string scores, string keep) => Where(keep, scores, Scalar(float.MinValue));

    /// <summary>Adds an initializer under a name already claimed.</summary>
    string AddInitializer(string name, long[] shape, TensorProto.Types.DataType type, ReadOnlySpan<byte> bytes)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(shape);
        graph.Initializer.Add(tensor);
        return name;
    }

    NodeProto NewNode(string opType, string[] inputs, string[] outputs, AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = $"{outputs[0]}_node" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    string Fresh(string stem)
    {
        var key = Scope + stem;
        counters.TryGetValue(key, out var n);
        string name;
        do { name = $"{key}_{n++}"; } while (names.Contains(name));
        counters[key] = n;
        names.Add(name);
        return name;
    }

    void Claim(string name)
    {
        if (!names.Add(name)) throw new InvalidOperationException($"the graph already has a value named {name}");
    }

    static void CheckCount(string name, long[] shape, int count)
    {
        long expected = shape.Aggregate(1L, (a, d) => a * d);
        if (expected != count) throw new ArgumentException($"{name}: {count} values do not fill shape [{string.Join(", ", shape)}]");
    }

    static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, Dim[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d.Param is { } p ? new TensorShapeProto.Types.Dimension { DimParam = p } : new TensorShapeProto.Types.Dimension { DimValue = d.Value!.Value });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
