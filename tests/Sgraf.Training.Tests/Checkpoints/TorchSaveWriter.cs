using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Sgraf.Inference.Model;
using Sgraf.Training.Checkpoints;

namespace Sgraf.Training.Tests.Checkpoints;

/// <summary>A Python call <c>module.name(*args)</c> pickled as GLOBAL + REDUCE.</summary>
internal sealed record PyCall(string Module, string Name, params object?[] Args);

/// <summary>An OrderedDict pickled the way torch pickles a state dict: REDUCE, SETITEMS, then BUILD with <c>_metadata</c>.</summary>
internal sealed record PyOrderedDict(IReadOnlyList<KeyValuePair<string, object?>> Items, bool IsStateDict = true);

/// <summary>An argparse.Namespace: NEWOBJ, then BUILD with its attribute dict.</summary>
internal sealed record PyNamespace(IReadOnlyList<KeyValuePair<string, object?>> Attributes);

/// <summary>A plain dict with string keys.</summary>
internal sealed record PyDict(IReadOnlyList<KeyValuePair<string, object?>> Items);

/// <summary>A tensor as _rebuild_tensor_v2 describes it: a strided view into a storage declared with <paramref name="StorageElements"/>.</summary>
internal sealed record PyTensor(string StorageKey, string StorageType, long StorageElements, string Location, long Offset, long[] Shape, long[] Strides);

/// <summary>
/// Writes torch.save zip checkpoints the way torch ≥ 1.6 does (spec §14), from C# values: a prefix folder,
/// <c>data.pkl</c> in pickle protocol 2, one <c>data/&lt;key&gt;</c> entry per storage, and <c>version</c>.
/// Test code only: it lets tests build checkpoints that real GPU training produces and broken ones.
/// </summary>
internal sealed class TorchSaveWriter
{
    readonly Dictionary<string, byte[]> storages = [];

    /// <summary>Adds raw storage bytes and returns their key.</summary>
    public string AddStorage(byte[] bytes)
    {
        var key = storages.Count.ToString();
        storages[key] = bytes;
        return key;
    }

    /// <summary>A tensor with its own contiguous storage.</summary>
    public PyTensor AddTensor(HostTensor tensor, string location = "cpu")
    {
        var key = AddStorage(tensor.Bytes.ToArray());
        return new PyTensor(key, StorageTypeName(tensor.DType), tensor.ElementCount, location, 0, tensor.Shape, ContiguousStrides(tensor.Shape));
    }

    public void Write(string path, object? root, string prefix = "checkpoint_3.pth")
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        WriteEntry(zip, $"{prefix}/data.pkl", Pickle(root));
        foreach (var (key, bytes) in storages) WriteEntry(zip, $"{prefix}/data/{key}", bytes);
        WriteEntry(zip, $"{prefix}/version", "3\n"u8.ToArray());
    }

    /// <summary>The dict official train.py saves: epoch, model (three state dicts), best_rsum, opt, Eiters.</summary>
    public object OfficialRoot(IReadOnlyList<KeyValuePair<string, object?>> options, ModelWeights weights, string location = "cpu") =>
        new PyDict(
        [
            new("epoch", 7L),
            new("model", new List<object?>(Enum.GetValues<StateDictPart>().Select(part => (object?)new PyOrderedDict(
                weights.Part(part).Select(kv => KeyValuePair.Create(kv.Key, (object?)AddTensor(kv.Value, location))).ToList())))),
            new("best_rsum", 123.4),
            new("opt", new PyNamespace(options)),
            new("Eiters", 4321L),
        ]);

    /// <summary>Writes an official-format checkpoint of <paramref name="weights"/> whose opt describes <paramref name="config"/>.</summary>
    public static void WriteCheckpoint(string path, SgrafConfig config, ModelWeights weights)
    {
        var writer = new TorchSaveWriter();
        writer.Write(path, writer.OfficialRoot(Options(config), weights));
    }

    /// <summary>The opt Namespace official train.py saves for a config (spec §1 fields plus vocab_size).</summary>
    public static List<KeyValuePair<string, object?>> Options(SgrafConfig config) =>
    [
        new("data_path", "./data/"), new("data_name", "f30k_precomp"), new("batch_size", 128L), new("learning_rate", 2e-4),
        new("margin", 0.2), new("max_violation", true),
        new("img_dim", (long)config.ImgDim), new("word_dim", (long)config.WordDim), new("embed_size", (long)config.EmbedSize),
        new("sim_dim", (long)config.SimDim), new("num_layers", (long)config.NumLayers), new("bi_gru", config.BiGru),
        new("no_imgnorm", config.NoImgNorm), new("no_txtnorm", config.NoTxtNorm), new("module_name", config.Module.ToString()),
        new("sgr_step", (long)config.SgrStep), new("vocab_size", (long)config.VocabSize),
    ];

    public static long[] ContiguousStrides(long[] shape)
    {
        var strides = new long[shape.Length];
        long stride = 1;
        for (var d = shape.Length - 1; d >= 0; d--)
        {
            strides[d] = stride;
            stride *= shape[d];
        }
        return strides;
    }

    public static string StorageTypeName(TensorDType dtype) => dtype switch
    {
        TensorDType.Float32 => "FloatStorage",
        TensorDType.Float64 => "DoubleStorage",
        TensorDType.Float16 => "HalfStorage",
        TensorDType.BFloat16 => "BFloat16Storage",
        TensorDType.Int64 => "LongStorage",
        TensorDType.Int32 => "IntStorage",
        TensorDType.Int16 => "ShortStorage",
        TensorDType.Int8 => "CharStorage",
        TensorDType.UInt8 => "ByteStorage",
        TensorDType.Bool => "BoolStorage",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    static void WriteEntry(ZipArchive zip, string name, byte[] bytes)
    {
        using var stream = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        stream.Write(bytes);
    }

    /// <summary>Pickle protocol 2, with the opcodes and memo use of Python's pickler for these values.</summary>
    public static byte[] Pickle(object? root) => new Pickler().Run(root);

    sealed class Pickler
    {
        readonly MemoryStream output = new();
        readonly Dictionary<string, int> globals = [];
        int memoCount;

        public byte[] Run(object? root)
        {
            output.Write([0x80, 2]);
            Save(root);
            output.WriteByte((byte)'.');
            return output.ToArray();
        }

        void Save(object? value)
        {
            switch (value)
            {
                case null: Op('N'); break;
                case bool b: output.WriteByte(b ? (byte)0x88 : (byte)0x89); break;
                case long n: Int(n); break;
                case int n: Int(n); break;
                case double d:
                    Op('G');
                    Span<byte> bytes = stackalloc byte[8];
                    BinaryPrimitives.WriteDoubleBigEndian(bytes, d);
                    output.Write(bytes);
                    break;
                case string s:
                    Op('X');
                    var utf8 = Encoding.UTF8.GetBytes(s);
                    UInt32(utf8.Length);
                    output.Write(utf8);
                    Memoize();
                    break;
                case object?[] tuple:
                    if (tuple.Length == 0) { Op(')'); break; }
                    if (tuple.Length <= 3)
                    {
                        foreach (var item in tuple) Save(item);
                        output.WriteByte((byte)(0x84 + tuple.Length));
                    }
                    else
                    {
                        Op('(');
                        foreach (var item in tuple) Save(item);
                        Op('t');
                    }
                    Memoize();
                    break;
                case List<object?> list:
                    Op(']');
                    Memoize();
                    Op('(');
                    foreach (var item in list) Save(item);
                    Op('e');
                    break;
                case PyDict dict:
                    Op('}');
                    Memoize();
                    SetItems(dict.Items);
                    break;
                case PyOrderedDict ordered:
                    Global("collections", "OrderedDict");
                    Op(')');
                    Op('R');
                    Memoize();
                    SetItems(ordered.Items);
                    if (!ordered.IsStateDict) break;
                    // state_dict()._metadata = OrderedDict({'': {'version': 1}}), set through BUILD.
                    Op('}');
                    Memoize();
                    Save("_metadata");
                    Save(new PyOrderedDict([new("", new PyDict([new("version", 1L)]))], IsStateDict: false));
                    Op('s');
                    Op('b');
                    break;
                case PyNamespace ns:
                    Global("argparse", "Namespace");
                    Op(')');
                    output.WriteByte(0x81);
                    Memoize();
                    Op('}');
                    SetItems(ns.Attributes);
                    Op('b');
                    break;
                case PyCall call:
                    Global(call.Module, call.Name);
                    Save(call.Args);
                    Op('R');
                    Memoize();
                    break;
                case PyTensor tensor:
                    Global("torch._utils", "_rebuild_tensor_v2");
                    Op('(');
                    Save(new object?[] { "storage", new GlobalRef("torch", tensor.StorageType), tensor.StorageKey, tensor.Location, tensor.StorageElements });
                    Op('Q');
                    Save(tensor.Offset);
                    Save(tensor.Shape.Cast<object?>().ToArray());
                    Save(tensor.Strides.Cast<object?>().ToArray());
                    Save(false);
                    Save(new PyCall("collections", "OrderedDict"));
                    Op('t');
                    Op('R');
                    Memoize();
                    break;
                case GlobalRef global:
                    Global(global.Module, global.Name);
                    break;
                default:
                    throw new ArgumentException($"cannot pickle {value.GetType().Name}");
            }
        }

        void SetItems(IReadOnlyList<KeyValuePair<string, object?>> items)
        {
            if (items.Count == 0) return;
            Op('(');
            foreach (var (key, value) in items)
            {
                Save(key);
                Save(value);
            }
            Op('u');
        }

        void Global(string module, string name)
        {
            var qualified = $"{module} {name}";
            if (globals.TryGetValue(qualified, out var slot))
            {
                Get(slot);
                return;
            }
            Op('c');
            output.Write(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));
            globals[qualified] = memoCount;
            Memoize();
        }

        void Int(long n)
        {
            switch (n)
            {
                case >= 0 and < 256: Op('K'); output.WriteByte((byte)n); break;
                case >= 0 and < 65536: Op('M'); output.Write([(byte)n, (byte)(n >> 8)]); break;
                case >= int.MinValue and <= int.MaxValue: Op('J'); UInt32((int)n); break;
                default:
                    output.WriteByte(0x8a);
                    output.WriteByte(8);
                    Span<byte> bytes = stackalloc byte[8];
                    BinaryPrimitives.WriteInt64LittleEndian(bytes, n);
                    output.Write(bytes);
                    break;
            }
        }

        void Memoize()
        {
            if (memoCount < 256) { Op('q'); output.WriteByte((byte)memoCount); }
            else { Op('r'); UInt32(memoCount); }
            memoCount++;
        }

        void Get(int slot)
        {
            if (slot < 256) { Op('h'); output.WriteByte((byte)slot); }
            else { Op('j'); UInt32(slot); }
        }

        void UInt32(int value)
        {
            Span<byte> bytes = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
            output.Write(bytes);
        }

        void Op(char opcode) => output.WriteByte((byte)opcode);
    }

    sealed record GlobalRef(string Module, string Name);
}
