using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Sgraf.Inference;

namespace Sgraf.Training.Checkpoints;

/// <summary>The contents of a .safetensors file: tensors in file order and the free-form <c>__metadata__</c> strings.</summary>
public sealed record SafetensorsFile(IReadOnlyDictionary<string, HostTensor> Tensors, IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// The safetensors format (huggingface/safetensors): a little-endian u64 header length, a UTF-8 JSON header
/// <c>{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {..}}</c> padded with spaces to a multiple
/// of 8 bytes, then the raw little-endian tensor bytes, offsets counted from the end of the header.
/// </summary>
public static class Safetensors
{
    const string MetadataKey = "__metadata__";

    // Well beyond any real header; guards against allocating what a corrupt length field claims.
    const ulong MaxHeaderBytes = 100 * 1024 * 1024;

    public static void Write(string path, IEnumerable<KeyValuePair<string, HostTensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var list = tensors.ToList();
        var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, tensor) in list)
            {
                if (name == MetadataKey) throw new ArgumentException($"a tensor cannot be called {MetadataKey}", nameof(tensors));
                json.WriteStartObject(name);
                json.WriteString("dtype", DTypeName(tensor.DType));
                json.WriteStartArray("shape");
                foreach (var d in tensor.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset += tensor.Bytes.Length);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        while ((8 + header.Length) % 8 != 0) header.WriteByte((byte)' ');

        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        file.Write(length);
        header.Position = 0;
        header.CopyTo(file);
        foreach (var (_, tensor) in list) file.Write(tensor.Bytes);
    }

    /// <exception cref="InvalidInputException">The file is missing, truncated or not valid safetensors.</exception>
    public static SafetensorsFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"{path}: cannot read the weights: {e.Message}", e);
        }
        if (bytes.Length < 8) throw InvalidInputException.InFile(path, $"not a safetensors file: {bytes.Length} bytes is too short for its header length");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes || headerLength > (ulong)(bytes.Length - 8))
            throw InvalidInputException.InFile(path, $"the safetensors header length {headerLength} runs past the end of the {bytes.Length}-byte file (truncated or not safetensors)");
        var dataStart = 8 + (int)headerLength;
        var dataLength = bytes.Length - dataStart;

        JsonDocument header;
        try
        {
            header = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        }
        catch (JsonException e)
        {
            throw new InvalidInputException($"{path}: the safetensors header is not valid JSON: {e.Message}", e);
        }
        using (header)
        {
            if (header.RootElement.ValueKind != JsonValueKind.Object)
                throw InvalidInputException.InFile(path, "the safetensors header is not a JSON object");
            var metadata = new Dictionary<string, string>();
            var tensors = new OrderedDictionary<string, HostTensor>();
            var ranges = new List<(long Begin, long End, string Name)>();
            foreach (var entry in header.RootElement.EnumerateObject())
            {
                if (entry.Name == MetadataKey)
                {
                    ReadMetadata(path, entry.Value, metadata);
                    continue;
                }
                var (dtype, shape, begin, end, needed) = ReadEntry(path, entry);
                if (begin > end || end > dataLength)
                    throw InvalidInputException.InFile(path, $"tensor '{entry.Name}' has data offsets [{begin}, {end}] outside the {dataLength} data bytes (truncated file?)");
                if (end - begin != needed)
                    throw InvalidInputException.InFile(path, $"tensor '{entry.Name}' spans {end - begin} bytes but {dtype} shape {HostTensor.FormatShape(shape)} needs {needed}");
                ranges.Add((begin, end, entry.Name));
                tensors[entry.Name] = new HostTensor(dtype, shape, bytes.AsSpan(dataStart + (int)begin, (int)needed).ToArray());
            }
            CheckNoOverlap(path, ranges);
            return new SafetensorsFile(tensors, metadata);
        }
    }

    static (TensorDType DType, long[] Shape, long Begin, long End, long Bytes) ReadEntry(string path, JsonProperty entry)
    {
        var value = entry.Value;
        try
        {
            if (value.ValueKind != JsonValueKind.Object) throw new FormatException("is not an object");
            var dtypeName = value.GetProperty("dtype").GetString();
            var dtype = ParseDType(dtypeName) ?? throw new FormatException($"has unsupported dtype '{dtypeName}'");
            var shape = value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            if (shape.Any(d => d < 0)) throw new FormatException($"has a negative dimension in {HostTensor.FormatShape(shape)}");
            var offsets = value.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt64()).ToArray();
            if (offsets.Length != 2) throw new FormatException("does not have two data_offsets");
            return (dtype, shape, offsets[0], offsets[1], checked(HostTensor.CountElements(shape) * dtype.ElementSize()));
        }
        catch (Exception e) when (e is FormatException or KeyNotFoundException or InvalidOperationException or OverflowException)
        {
            var reason = e is FormatException ? e.Message : "lacks a valid dtype, shape or data_offsets";
            throw new InvalidInputException($"{path}: safetensors entry '{entry.Name}' {reason}", e);
        }
    }

    static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw InvalidInputException.InFile(path, $"the safetensors {MetadataKey} is not an object of strings");
        foreach (var item in value.EnumerateObject())
            metadata[item.Name] = item.Value.ValueKind == JsonValueKind.String
                ? item.Value.GetString()!
                : throw InvalidInputException.InFile(path, $"the safetensors {MetadataKey} value '{item.Name}' is not a string");
    }

    static void CheckNoOverlap(string path, List<(long Begin, long End, string Name)> ranges)
    {
        ranges.Sort((a, b) => a.Begin.CompareTo(b.Begin));
        for (var i = 1; i < ranges.Count; i++)
            if (ranges[i].Begin < ranges[i - 1].End)
                throw InvalidInputException.InFile(path, $"tensors '{ranges[i - 1].Name}' and '{ranges[i].Name}' overlap in the data section");
    }

    static string DTypeName(TensorDType dtype) => dtype switch
    {
        TensorDType.Float32 => "F32",
        TensorDType.Float64 => "F64",
        TensorDType.Float16 => "F16",
        TensorDType.BFloat16 => "BF16",
        TensorDType.Int64 => "I64",
        TensorDType.Int32 => "I32",
        TensorDType.Int16 => "I16",
        TensorDType.Int8 => "I8",
        TensorDType.UInt8 => "U8",
        TensorDType.Bool => "BOOL",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    static TensorDType? ParseDType(string? name) =>
        Enum.GetValues<TensorDType>().Cast<TensorDType?>().FirstOrDefault(d => DTypeName(d!.Value) == name);
}
