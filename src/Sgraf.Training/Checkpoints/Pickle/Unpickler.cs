using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using Sgraf.Inference;

namespace Sgraf.Training.Checkpoints.Pickle;

/// <summary>
/// Reads one pickle (protocols 2–5, the opcodes torch.save and argparse need) into plain C# objects:
/// None → null, bool, int → long (or <see cref="BigInteger"/> beyond 64 bits), float → double, str → string,
/// bytes → byte[], tuple → object?[], list → List&lt;object?&gt;, dict → OrderedDictionary&lt;object, object?&gt;,
/// and whitelisted globals as <see cref="PickleGlobals"/> maps them. Anything else is an error naming the
/// opcode and its byte offset in the file.
/// </summary>
internal sealed class Unpickler
{
    readonly byte[] data;
    readonly string source;
    readonly Func<object?, object?> persistentLoad;
    readonly List<object?> stack = [];
    readonly Stack<int> marks = new();
    readonly Dictionary<long, object?> memo = [];
    int position;

    /// <param name="data">The bytes holding the pickle (a whole file for the legacy format).</param>
    /// <param name="start">Where the pickle starts in <paramref name="data"/>.</param>
    /// <param name="source">The file, for error messages.</param>
    /// <param name="persistentLoad">Resolves a BINPERSID id (torch's storage tuples).</param>
    public Unpickler(byte[] data, int start, string source, Func<object?, object?> persistentLoad)
    {
        this.data = data;
        this.source = source;
        this.persistentLoad = persistentLoad;
        position = start;
    }

    /// <summary>Where the next pickle would start: just past the last STOP read.</summary>
    public int Position => position;

    public object? Load()
    {
        stack.Clear();
        marks.Clear();
        memo.Clear();
        while (true)
        {
            var opOffset = position;
            if (position >= data.Length)
                throw InvalidInputException.InFile(source, $"pickle data is truncated: it ends at byte {position} before its STOP opcode");
            var opcode = data[position++];
            try
            {
                if (opcode == '.') return Pop();
                Execute(opcode);
            }
            catch (PickleFormatException e)
            {
                throw InvalidInputException.InFile(source, $"{e.Message} (pickle opcode 0x{opcode:x2} at byte {opOffset} of the file)");
            }
        }
    }

    void Execute(byte opcode)
    {
        switch (opcode)
        {
            case 0x80: // PROTO
                var protocol = ReadByte();
                if (protocol > 5) throw new PickleFormatException($"pickle protocol {protocol} is newer than 5");
                break;
            case 0x95: ReadBytes(8); break; // FRAME: a length hint only
            case (byte)'(': marks.Push(stack.Count); break;
            case (byte)'}': Push(new OrderedDictionary<object, object?>()); break;
            case (byte)']': Push(new List<object?>()); break;
            case (byte)')': Push(Array.Empty<object?>()); break;
            case (byte)'t': Push(PopMark().ToArray()); break;
            case 0x85: Push(new[] { Pop() }); break;
            case 0x86: { var b = Pop(); var a = Pop(); Push(new[] { a, b }); break; }
            case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new[] { a, b, c }); break; }
            case (byte)'d': Push(ToDict(PopMark())); break;
            case (byte)'l': Push(PopMark()); break;
            case (byte)'q': memo[ReadByte()] = Peek(); break;
            case (byte)'r': memo[BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))] = Peek(); break;
            case 0x94: memo[memo.Count] = Peek(); break; // MEMOIZE
            case (byte)'h': Push(Recall(ReadByte())); break;
            case (byte)'j': Push(Recall(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)))); break;
            case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4))); break;
            case (byte)'K': Push((long)ReadByte()); break;
            case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2))); break;
            case 0x8a: Push(ReadLong(ReadByte())); break; // LONG1
            case 0x8b: Push(ReadLong(ReadLength(4))); break; // LONG4
            case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8))); break;
            case (byte)'N': Push(null); break;
            case 0x88: Push(true); break;
            case 0x89: Push(false); break;
            case 0x8c: Push(ReadUtf8(ReadByte())); break; // SHORT_BINUNICODE
            case (byte)'X': Push(ReadUtf8(ReadLength(4))); break; // BINUNICODE
            case 0x8d: Push(ReadUtf8(ReadLength(8))); break; // BINUNICODE8
            // Python 2 str; torch.load decodes it as UTF-8.
            case (byte)'U': Push(ReadUtf8(ReadByte())); break; // SHORT_BINSTRING
            case (byte)'T': Push(ReadUtf8(ReadLength(4))); break; // BINSTRING
            case (byte)'C': Push(ReadBytes(ReadByte()).ToArray()); break; // SHORT_BINBYTES
            case (byte)'B': Push(ReadBytes(ReadLength(4)).ToArray()); break; // BINBYTES
            case 0x8e: Push(ReadBytes(ReadLength(8)).ToArray()); break; // BINBYTES8
            case (byte)'c': { var module = ReadLine(); var name = ReadLine(); Push(FindGlobal(module, name)); break; }
            case 0x93: // STACK_GLOBAL
            {
                var name = Pop() as string;
                var module = Pop() as string;
                if (module is null || name is null) throw new PickleFormatException("STACK_GLOBAL needs a module and a name string");
                Push(FindGlobal(module, name));
                break;
            }
            case (byte)'R': { var args = PopTuple("REDUCE"); Push(AsGlobal(Pop(), "REDUCE").Call(args)); break; }
            case 0x81: { var args = PopTuple("NEWOBJ"); Push(AsGlobal(Pop(), "NEWOBJ").NewObject(args)); break; }
            case (byte)'b': { var state = Pop(); Build(Peek(), state); break; }
            case (byte)'s': { var value = Pop(); var key = Pop(); SetItem(Peek(), key, value); break; }
            case (byte)'u':
            {
                var items = PopMark();
                if (items.Count % 2 != 0) throw new PickleFormatException("SETITEMS has an odd number of items");
                var target = Peek();
                for (var i = 0; i < items.Count; i += 2) SetItem(target, items[i], items[i + 1]);
                break;
            }
            case (byte)'a': { var value = Pop(); AsList(Peek()).Add(value); break; }
            case (byte)'e': { var items = PopMark(); AsList(Peek()).AddRange(items); break; }
            case (byte)'Q': Push(persistentLoad(Pop())); break; // BINPERSID
            case (byte)'0': Pop(); break; // POP
            case (byte)'1': PopMark(); break; // POP_MARK
            case (byte)'2': Push(Peek()); break; // DUP
            default:
                throw new PickleFormatException($"unsupported pickle opcode '{(char)opcode}'");
        }
    }

    static PickleGlobal FindGlobal(string module, string name) =>
        PickleGlobals.Resolve(module, name)
        ?? throw new PickleFormatException($"the pickle names the global {module}.{name}, which is not allowed in a checkpoint");

    static PickleGlobal AsGlobal(object? value, string opcode) =>
        value as PickleGlobal ?? throw new PickleFormatException($"{opcode} applied to {PickleGlobals.Describe(value)}, not a known global");

    object?[] PopTuple(string opcode) =>
        Pop() as object?[] ?? throw new PickleFormatException($"{opcode} arguments are not a tuple");

    static List<object?> AsList(object? value) =>
        value as List<object?> ?? throw new PickleFormatException($"cannot append to {PickleGlobals.Describe(value)}");

    static void SetItem(object? target, object? key, object? value)
    {
        if (target is not OrderedDictionary<object, object?> dict)
            throw new PickleFormatException($"cannot set an item on {PickleGlobals.Describe(target)}");
        dict[key ?? throw new PickleFormatException("a dict key is None")] = value;
    }

    static OrderedDictionary<object, object?> ToDict(List<object?> items)
    {
        if (items.Count % 2 != 0) throw new PickleFormatException("DICT has an odd number of items");
        var dict = new OrderedDictionary<object, object?>();
        for (var i = 0; i < items.Count; i += 2) SetItem(dict, items[i], items[i + 1]);
        return dict;
    }

    /// <summary>
    /// BUILD: argparse.Namespace takes its attributes from the state dict; an OrderedDict's state is the
    /// state_dict's <c>_metadata</c> (module versions), which weights do not need.
    /// </summary>
    static void Build(object? instance, object? state)
    {
        switch (instance)
        {
            case Dictionary<string, object?> ns when state is OrderedDictionary<object, object?> attributes:
                foreach (var (key, value) in attributes)
                    ns[key as string ?? throw new PickleFormatException("a Namespace attribute name is not a string")] = value;
                break;
            case OrderedDictionary<object, object?>:
                break;
            default:
                throw new PickleFormatException($"BUILD on {PickleGlobals.Describe(instance)} with {PickleGlobals.Describe(state)} is not supported");
        }
    }

    object? Recall(long index) =>
        memo.TryGetValue(index, out var value) ? value : throw new PickleFormatException($"memo slot {index} is read before it is written");

    void Push(object? value) => stack.Add(value);

    object? Peek()
    {
        var floor = marks.Count > 0 ? marks.Peek() : 0;
        if (stack.Count <= floor) throw new PickleFormatException("the pickle stack is empty");
        return stack[^1];
    }

    object? Pop()
    {
        var value = Peek();
        stack.RemoveAt(stack.Count - 1);
        return value;
    }

    List<object?> PopMark()
    {
        if (marks.Count == 0) throw new PickleFormatException("no MARK to pop to");
        var start = marks.Pop();
        var items = stack.GetRange(start, stack.Count - start);
        stack.RemoveRange(start, stack.Count - start);
        return items;
    }

    byte ReadByte() => ReadBytes(1)[0];

    int ReadLength(int width)
    {
        var bytes = ReadBytes(width);
        var length = width == 4 ? BinaryPrimitives.ReadInt32LittleEndian(bytes) : BinaryPrimitives.ReadInt64LittleEndian(bytes);
        if (length < 0 || length > data.Length - position)
            throw new PickleFormatException($"a length of {length} bytes runs past the end of the data");
        return (int)length;
    }

    ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count > data.Length - position)
            throw new PickleFormatException($"pickle data is truncated: {count} bytes needed at byte {position}, file has {data.Length}");
        var span = data.AsSpan(position, count);
        position += count;
        return span;
    }

    string ReadUtf8(int count)
    {
        var bytes = ReadBytes(count);
        try
        {
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new PickleFormatException("a string is not valid UTF-8");
        }
    }

    string ReadLine()
    {
        var end = Array.IndexOf(data, (byte)'\n', position);
        if (end < 0) throw new PickleFormatException("pickle data is truncated inside a GLOBAL name");
        var line = Encoding.ASCII.GetString(data, position, end - position);
        position = end + 1;
        return line;
    }

    /// <summary>LONG1/LONG4: little-endian two's complement.</summary>
    object ReadLong(int count)
    {
        var value = new BigInteger(ReadBytes(count), isUnsigned: false, isBigEndian: false);
        return value >= long.MinValue && value <= long.MaxValue ? (long)value : value;
    }
}
