namespace Sgraf.Inference.Data;

/// <summary>
/// Parses the Python dict literal of a .npy header, e.g. <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (20, 36, 64), }</c>.
/// Values come back as <see cref="string"/>, <see cref="bool"/>, <c>long[]</c> (a tuple of integers), or
/// <see cref="Unsupported"/> for anything else numpy may write there (a structured dtype's list).
/// </summary>
sealed class NpyHeaderLiteral
{
    public static readonly object Unsupported = new();

    readonly string _text;
    readonly string _path;
    int _pos;

    NpyHeaderLiteral(string text, string path) => (_text, _path) = (text, path);

    public static Dictionary<string, object> ParseDict(string text, string path) => new NpyHeaderLiteral(text, path).Dict();

    Dictionary<string, object> Dict()
    {
        var fields = new Dictionary<string, object>();
        Expect('{');
        while (!TryTake('}'))
        {
            var key = String();
            Expect(':');
            if (!fields.TryAdd(key, Value())) throw Error($"key '{key}' appears twice");
            if (!TryTake(',')) { Expect('}'); break; }
        }
        if (Peek() != '\0') throw Error("text after the closing '}'");
        return fields;
    }

    object Value() => Peek() switch
    {
        '\'' or '"' => String(),
        '(' => Tuple(),
        '[' => SkipBracketed(),
        _ => Word() switch
        {
            "True" => true,
            "False" => false,
            var word => throw Error($"unexpected '{word}'"),
        },
    };

    string String()
    {
        var quote = Peek();
        if (quote is not ('\'' or '"')) throw Error("expected a quoted string");
        var start = ++_pos;
        while (_pos < _text.Length && _text[_pos] != quote) _pos++;
        if (_pos == _text.Length) throw Error("unterminated string");
        return _text[start.._pos++];
    }

    long[] Tuple()
    {
        var dims = new List<long>();
        Expect('(');
        while (!TryTake(')'))
        {
            var word = Word();
            // Python 2 wrote long dimensions with an L suffix, e.g. (1000L, 36L, 2048L).
            if (!long.TryParse(word.TrimEnd('L'), out var dim)) throw Error($"'{word}' is not an integer");
            dims.Add(dim);
            if (!TryTake(',')) { Expect(')'); break; }
        }
        return [.. dims];
    }

    object SkipBracketed()
    {
        var depth = 0;
        do
        {
            if (_pos == _text.Length) throw Error("unterminated '['");
            depth += _text[_pos] switch { '[' => 1, ']' => -1, _ => 0 };
            _pos++;
        } while (depth > 0);
        return Unsupported;
    }

    string Word()
    {
        SkipSpace();
        var start = _pos;
        while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] is '-' or '_')) _pos++;
        return _pos > start ? _text[start.._pos] : throw Error("expected a value");
    }

    char Peek()
    {
        SkipSpace();
        return _pos < _text.Length ? _text[_pos] : '\0';
    }

    bool TryTake(char c)
    {
        if (Peek() != c) return false;
        _pos++;
        return true;
    }

    void Expect(char c)
    {
        if (!TryTake(c)) throw Error($"expected '{c}'");
    }

    void SkipSpace()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos])) _pos++;
    }

    InvalidInputException Error(string problem) =>
        InvalidInputException.InFile(_path, $"cannot parse the .npy header ({problem} at character {_pos}): {_text.Trim()}");
}
