using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics;
using System.Text;
using Sgraf.Inference;
using Sgraf.Training.Checkpoints.Pickle;

namespace Sgraf.Training.Checkpoints;

/// <summary>How a torch.save file is laid out.</summary>
public enum TorchSaveFormat
{
    /// <summary>torch ≥ 1.6: a zip of <c>&lt;prefix&gt;/data.pkl</c>, <c>&lt;prefix&gt;/data/&lt;key&gt;</c> and <c>&lt;prefix&gt;/version</c>.</summary>
    Zip,

    /// <summary>torch &lt; 1.6: pickles of magic number, protocol, sys info, the object and storage keys, then raw storages.</summary>
    Legacy,
}

/// <summary>A torch.save file read into C# objects.</summary>
/// <param name="Root">
/// The saved object: dicts and OrderedDicts as <see cref="OrderedDictionary{TKey,TValue}"/> (object keys),
/// argparse.Namespace as <see cref="Dictionary{TKey,TValue}"/> of attributes, lists as <see cref="List{T}"/>,
/// tuples as <c>object?[]</c>, ints as long, floats as double, tensors as contiguous <see cref="HostTensor"/>s.
/// </param>
public sealed record TorchSaveFile(string Path, TorchSaveFormat Format, object? Root);

/// <summary>
/// Reads official PyTorch <c>torch.save</c> files (spec §14) without Python or TorchSharp. Only the globals
/// state dicts and argparse options need are accepted; any device location ("cuda:0") loads to host memory;
/// tensors that are strided views into a shared storage (cuDNN's flat RNN weights) come out as contiguous copies.
/// Every problem with the file is an <see cref="InvalidInputException"/> naming it.
/// </summary>
public static class TorchSaveReader
{
    // torch/serialization.py MAGIC_NUMBER and PROTOCOL_VERSION of the legacy format.
    static readonly BigInteger LegacyMagic = BigInteger.Parse("119547037146038801333356");
    const long LegacyProtocol = 1001;

    public static TorchSaveFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"{path}: cannot read the checkpoint: {e.Message}", e);
        }
        if (bytes.AsSpan().StartsWith("PK"u8)) return new(path, TorchSaveFormat.Zip, ReadZip(path, bytes));
        if (bytes.Length > 0 && bytes[0] == 0x80) return new(path, TorchSaveFormat.Legacy, ReadLegacy(path, bytes));
        throw InvalidInputException.InFile(path, "not a PyTorch checkpoint: neither a zip archive nor a legacy torch.save pickle stream");
    }

    static object? ReadZip(string path, byte[] bytes)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
            var pickles = zip.Entries.Where(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)
                                                 && e.FullName.Count(c => c == '/') == 1).ToList();
            if (pickles.Count != 1)
                throw InvalidInputException.InFile(path, $"the zip archive has {pickles.Count} '<prefix>/data.pkl' entries, expected exactly one");
            var prefix = pickles[0].FullName[..^"data.pkl".Length];
            CheckVersion(path, zip, prefix);

            var storages = new Dictionary<string, TorchStorage>();
            var root = new Unpickler(ReadEntry(path, pickles[0]), 0, path, pid => ZipStorage(path, pid, storages)).Load();
            foreach (var storage in storages.Values)
            {
                var entry = zip.GetEntry($"{prefix}data/{storage.Key}")
                            ?? throw InvalidInputException.InFile(path, $"storage '{storage.Key}' has no entry '{prefix}data/{storage.Key}' in the zip archive");
                storage.Data = ReadEntry(path, entry);
                if (storage.Data.LongLength / storage.DType.ElementSize() < storage.ElementCount)
                    throw InvalidInputException.InFile(path,
                        $"storage '{storage.Key}' is truncated: it holds {storage.Data.LongLength} bytes but the pickle declares {storage.ElementCount} {storage.DType} elements");
            }
            return TensorMaterializer.Materialize(path, root);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new InvalidInputException($"{path}: the zip archive is corrupt or truncated: {e.Message}", e);
        }
    }

    static void CheckVersion(string path, ZipArchive zip, string prefix)
    {
        var entry = zip.GetEntry($"{prefix}version")
                    ?? throw InvalidInputException.InFile(path, $"the zip archive has no '{prefix}version' entry, so it is not a torch.save checkpoint");
        var text = Encoding.ASCII.GetString(ReadEntry(path, entry)).Trim();
        if (!int.TryParse(text, out var version) || version < 1)
            throw InvalidInputException.InFile(path, $"'{prefix}version' holds '{text}', not a format version number");
        var byteOrder = zip.GetEntry($"{prefix}byteorder");
        if (byteOrder is not null && Encoding.ASCII.GetString(ReadEntry(path, byteOrder)).Trim() != "little")
            throw InvalidInputException.InFile(path, "the checkpoint was saved on a big-endian machine, which is not supported");
    }

    static byte[] ReadEntry(string path, ZipArchiveEntry entry)
    {
        if (entry.Length > Array.MaxLength)
            throw InvalidInputException.InFile(path, $"zip entry '{entry.FullName}' is too large ({entry.Length} bytes)");
        var buffer = new byte[entry.Length];
        using var stream = entry.Open();
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidInputException($"{path}: zip entry '{entry.FullName}' is truncated", e);
        }
        return buffer;
    }

    /// <summary>Zip persistent ids: ('storage', StorageType, key, location, numel).</summary>
    static TorchStorage ZipStorage(string path, object? pid, Dictionary<string, TorchStorage> storages)
    {
        var (type, key, count) = ParseStorageId(pid, 5);
        if (storages.TryGetValue(key, out var known)) return known;
        return storages[key] = new TorchStorage(key, type.DType, count);
    }

    static (StorageType Type, string Key, long Count) ParseStorageId(object? pid, int length)
    {
        if (pid is not object?[] parts || parts.Length != length || parts[0] is not "storage")
            throw new PickleFormatException($"persistent id {PickleGlobals.Describe(pid)} is not a ('storage', ...) tuple of {length} items");
        if (parts[1] is not PickleGlobals.StorageClass storageClass)
            throw new PickleFormatException($"persistent id names {PickleGlobals.Describe(parts[1])} where a storage class belongs");
        if (parts[2] is not string key || parts[3] is not string || parts[4] is not long count || count < 0)
            throw new PickleFormatException("persistent id is not ('storage', type, key, location, numel)");
        return (storageClass.Type, key, count);
    }

    static object? ReadLegacy(string path, byte[] bytes)
    {
        var pickles = new LegacyPickles(path, bytes);
        if (pickles.Next(_ => throw new PickleFormatException("no persistent ids expected here")) is not BigInteger magic || magic != LegacyMagic)
            throw InvalidInputException.InFile(path, "the legacy torch.save magic number is missing, so this is not a PyTorch checkpoint");
        if (pickles.Next(_ => null) is not LegacyProtocol)
            throw InvalidInputException.InFile(path, $"the legacy torch.save protocol version is not {LegacyProtocol}");
        if (pickles.Next(_ => null) is OrderedDictionary<object, object?> sysInfo && sysInfo.GetValueOrDefault("little_endian") is false)
            throw InvalidInputException.InFile(path, "the checkpoint was saved on a big-endian machine, which is not supported");

        var storages = new Dictionary<string, TorchStorage>();
        var root = pickles.Next(pid => LegacyStorage(pid, storages));
        if (pickles.Next(_ => null) is not List<object?> keys || keys.Any(k => k is not string))
            throw InvalidInputException.InFile(path, "the legacy storage key list after the object pickle is missing");

        var position = pickles.Position;
        foreach (var key in keys.Cast<string>())
        {
            if (!storages.TryGetValue(key, out var storage))
                throw InvalidInputException.InFile(path, $"the legacy file has data for storage '{key}', which the pickle never names");
            if (bytes.Length - position < 8)
                throw InvalidInputException.InFile(path, $"the file is truncated: storage '{key}' has no element count at byte {position}");
            var count = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(position));
            position += 8;
            if (count != storage.ElementCount)
                throw InvalidInputException.InFile(path, $"storage '{key}' has {count} elements in the file but the pickle declares {storage.ElementCount}");
            var elementSize = storage.DType.ElementSize();
            if ((bytes.Length - position) / elementSize < count)
                throw InvalidInputException.InFile(path,
                    $"the file is truncated: storage '{key}' needs {count} {storage.DType} elements at byte {position} but only {bytes.Length - position} bytes remain");
            var needed = (int)count * elementSize;
            storage.Data = bytes.AsSpan(position, needed).ToArray();
            position += needed;
        }
        foreach (var storage in storages.Values.Where(s => s.Data is null && s.ViewOf is null))
            throw InvalidInputException.InFile(path, $"the legacy file has no data for storage '{storage.Key}'");
        return TensorMaterializer.Materialize(path, root);
    }

    /// <summary>Legacy persistent ids: ('storage', StorageType, root_key, location, numel, view_metadata).</summary>
    static TorchStorage LegacyStorage(object? pid, Dictionary<string, TorchStorage> storages)
    {
        var (type, key, count) = ParseStorageId(pid, 6);
        if (!storages.TryGetValue(key, out var root)) storages[key] = root = new TorchStorage(key, type.DType, count);
        if (((object?[])pid!)[5] is not object?[] view) return root;
        if (view is not [string viewKey, long offset, long viewSize])
            throw new PickleFormatException("legacy storage view metadata is not (key, offset, size)");
        if (storages.TryGetValue(viewKey, out var known)) return known;
        var slice = new TorchStorage(viewKey, type.DType, viewSize) { ViewOf = (root, offset) };
        storages[viewKey] = slice;
        return slice;
    }

    /// <summary>Consecutive pickles in one legacy file.</summary>
    sealed class LegacyPickles(string path, byte[] bytes)
    {
        public int Position { get; private set; }

        public object? Next(Func<object?, object?> persistentLoad)
        {
            var unpickler = new Unpickler(bytes, Position, path, persistentLoad);
            var value = unpickler.Load();
            Position = unpickler.Position;
            return value;
        }
    }
}
