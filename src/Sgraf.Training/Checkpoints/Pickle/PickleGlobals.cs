using System.Text;

namespace Sgraf.Training.Checkpoints.Pickle;

/// <summary>
/// A Python global a checkpoint may name (GLOBAL / STACK_GLOBAL), mapped to C#. Only the globals in
/// <see cref="PickleGlobals"/> exist: nothing a pickle names is ever executed.
/// </summary>
internal abstract class PickleGlobal(string qualifiedName)
{
    public string QualifiedName { get; } = qualifiedName;

    /// <summary>REDUCE: <c>callable(*args)</c>.</summary>
    public virtual object? Call(object?[] args) =>
        throw new PickleFormatException($"{QualifiedName} cannot be called by a checkpoint");

    /// <summary>NEWOBJ: <c>cls.__new__(cls, *args)</c>.</summary>
    public virtual object? NewObject(object?[] args) => Call(args);

    public override string ToString() => QualifiedName;
}

/// <summary>
/// The whitelist of globals torch.save writes for state dicts and argparse options, and their C# meaning:
/// dict and OrderedDict → <see cref="OrderedDictionary{TKey,TValue}"/> of object keys; argparse.Namespace →
/// <see cref="Dictionary{TKey,TValue}"/> of attribute names; tensors → <see cref="TensorReference"/>;
/// storage classes → <see cref="StorageType"/>; torch.device → its string ("cuda:0").
/// </summary>
internal static class PickleGlobals
{
    static readonly Dictionary<string, PickleGlobal> Allowed = Build();

    public static PickleGlobal? Resolve(string module, string name) =>
        Allowed.GetValueOrDefault($"{module}.{name}");

    static Dictionary<string, PickleGlobal> Build()
    {
        PickleGlobal[] globals =
        [
            new Function("collections.OrderedDict", NewOrderedDict),
            new ArgparseNamespace(),
            new Function("torch._utils._rebuild_tensor", args => RebuildTensor(args, 4)),
            new Function("torch._utils._rebuild_tensor_v2", args => RebuildTensor(args, 6)),
            new Function("torch._utils._rebuild_parameter", args => Parameter(args, 3)),
            new Function("torch._utils._rebuild_parameter_with_state", args => Parameter(args, 4)),
            new Function("torch.device", Device),
            new Function("_codecs.encode", Encode),
            Storage("FloatStorage", TensorDType.Float32),
            Storage("DoubleStorage", TensorDType.Float64),
            Storage("HalfStorage", TensorDType.Float16),
            Storage("BFloat16Storage", TensorDType.BFloat16),
            Storage("LongStorage", TensorDType.Int64),
            Storage("IntStorage", TensorDType.Int32),
            Storage("ShortStorage", TensorDType.Int16),
            Storage("CharStorage", TensorDType.Int8),
            Storage("ByteStorage", TensorDType.UInt8),
            Storage("BoolStorage", TensorDType.Bool),
        ];
        return globals.ToDictionary(g => g.QualifiedName);
    }

    static StorageClass Storage(string name, TensorDType dtype) => new($"torch.{name}", new StorageType(name, dtype));

    static OrderedDictionary<object, object?> NewOrderedDict(object?[] args)
    {
        var dict = new OrderedDictionary<object, object?>();
        if (args.Length == 0) return dict;
        if (args is not [IEnumerable<object?> pairs]) throw new PickleFormatException("OrderedDict takes at most one iterable of pairs");
        foreach (var pair in pairs)
        {
            if (pair is not object?[] { Length: 2 } kv || kv[0] is null)
                throw new PickleFormatException("OrderedDict items must be (key, value) pairs");
            dict[kv[0]!] = kv[1];
        }
        return dict;
    }

    /// <summary>
    /// _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]);
    /// the old _rebuild_tensor has only the first four. Gradient flags, hooks and metadata do not matter for weights.
    /// </summary>
    static TensorReference RebuildTensor(object?[] args, int minimumArgs)
    {
        if (args.Length < minimumArgs || args.Length > minimumArgs + 1)
            throw new PickleFormatException($"tensor rebuild expects {minimumArgs} arguments, got {args.Length}");
        if (args[0] is not TorchStorage storage)
            throw new PickleFormatException($"tensor rebuild expects a storage first, got {Describe(args[0])}");
        var offset = args[1] as long? ?? throw new PickleFormatException($"tensor storage offset is {Describe(args[1])}, not an int");
        var shape = Int64Tuple(args[2], "size");
        var strides = Int64Tuple(args[3], "stride");
        if (shape.Length != strides.Length)
            throw new PickleFormatException($"tensor size {HostTensor.FormatShape(shape)} and stride {HostTensor.FormatShape(strides)} differ in rank");
        if (offset < 0 || shape.Any(d => d < 0) || strides.Any(s => s < 0))
            throw new PickleFormatException("tensor has a negative offset, size or stride");
        return new TensorReference(storage, offset, shape, strides);
    }

    /// <summary>_rebuild_parameter(data, requires_grad, backward_hooks[, state]): a Parameter is its data.</summary>
    static object? Parameter(object?[] args, int count) =>
        args.Length == count && args[0] is TensorReference tensor
            ? tensor
            : throw new PickleFormatException($"parameter rebuild expects a tensor and {count - 1} more arguments");

    static string Device(object?[] args) => args switch
    {
        [string type] => type,
        [string type, long index] => $"{type}:{index}",
        _ => throw new PickleFormatException("torch.device expects a type string and an optional index"),
    };

    /// <summary>Protocol 2 pickles bytes from Python 3 as _codecs.encode(text, 'latin1').</summary>
    static byte[] Encode(object?[] args) => args switch
    {
        [string text, "latin1" or "latin-1"] => Encoding.Latin1.GetBytes(text),
        [string text] => Encoding.UTF8.GetBytes(text),
        _ => throw new PickleFormatException("_codecs.encode expects a string and 'latin1'"),
    };

    static long[] Int64Tuple(object? value, string what)
    {
        if (value is not object?[] items) throw new PickleFormatException($"tensor {what} is {Describe(value)}, not a tuple");
        var result = new long[items.Length];
        for (var i = 0; i < items.Length; i++)
            result[i] = items[i] as long? ?? throw new PickleFormatException($"tensor {what} holds {Describe(items[i])}, not an int");
        return result;
    }

    internal static string Describe(object? value) => value switch
    {
        null => "None",
        string s => $"'{s}'",
        long or double or bool => value.ToString()!,
        HostTensor tensor => $"a tensor {tensor}",
        PickleGlobal global => global.QualifiedName,
        object?[] => "a tuple",
        List<object?> => "a list",
        OrderedDictionary<object, object?> => "a dict",
        Dictionary<string, object?> => "an argparse.Namespace",
        _ => $"a {value.GetType().Name}",
    };

    sealed class Function(string name, Func<object?[], object?> call) : PickleGlobal(name)
    {
        public override object? Call(object?[] args) => call(args);
    }

    /// <summary>A storage class is only ever an element of a persistent id.</summary>
    internal sealed class StorageClass(string name, StorageType type) : PickleGlobal(name)
    {
        public StorageType Type { get; } = type;
    }

    /// <summary>argparse.Namespace arrives as NEWOBJ with no arguments, then BUILD with its attribute dict.</summary>
    sealed class ArgparseNamespace() : PickleGlobal("argparse.Namespace")
    {
        public override object? NewObject(object?[] args) =>
            args.Length == 0 ? new Dictionary<string, object?>() : throw new PickleFormatException("argparse.Namespace.__new__ takes no arguments");
    }
}
