using System.Numerics;
using Sgraf.Inference;
using Sgraf.Training.Checkpoints.Pickle;

namespace Sgraf.Training.Tests.Checkpoints.Pickle;

public class UnpicklerTests
{
    // pickle.dumps({'opt': argparse.Namespace(a=1, b='x', c=2.5, d=True, e=None, f=2**70, g=-5, h=(1, 2), i=70000),
    //               'od': OrderedDict([('k', [1, 2, 3])]), 'bytes': b'ab', 'shared': 'x'}, protocol=p) from CPython 3.11.
    const string Protocol2 =
        "80027d71002858030000006f707471016361726770617273650a4e616d6573706163650a7102298171037d71042858010000006171054b01580100000062710658010000007871075801000000637108474004000000000000580100000064710988580100000065710a4e580100000066710b8a09000000000000000040580100000067710c4afbffffff580100000068710d4b014b0286710e580100000069710f4a70110100756258020000006f64711063636f6c6c656374696f6e730a4f726465726564446963740a71112952711258010000006b71135d7114284b014b024b036573580500000062797465737115635f636f646563730a656e636f64650a711658020000006162711758060000006c6174696e31711886711952711a5806000000736861726564711b6807752e";

    const string Protocol4 =
        "800495c9000000000000007d94288c036f7074948c086172677061727365948c094e616d6573706163659493942981947d94288c0161944b018c0162948c0178948c0163944740040000000000008c016494888c0165944e8c0166948a090000000000000000408c0167944afbffffff8c0168944b014b0286948c0169944a7011010075628c026f64948c0b636f6c6c656374696f6e73948c0b4f726465726564446963749493942952948c016b945d94284b014b024b0365738c0562797465739443026162948c06736861726564946809752e";

    [Theory]
    [InlineData(Protocol2)]
    [InlineData(Protocol4)]
    public void Python_values_map_to_their_CSharp_representations(string hex)
    {
        var root = Assert.IsType<OrderedDictionary<object, object?>>(Load(Convert.FromHexString(hex)));

        Assert.Equal(["opt", "od", "bytes", "shared"], root.Keys);
        var opt = Assert.IsType<Dictionary<string, object?>>(root["opt"]);
        Assert.Equal(1L, opt["a"]);
        Assert.Equal("x", opt["b"]);
        Assert.Equal(2.5, opt["c"]);
        Assert.Equal(true, opt["d"]);
        Assert.Null(opt["e"]);
        Assert.Equal(BigInteger.Pow(2, 70), opt["f"]);
        Assert.Equal(-5L, opt["g"]);
        Assert.Equal(new object?[] { 1L, 2L }, opt["h"]);
        Assert.Equal(70000L, opt["i"]);
        var od = Assert.IsType<OrderedDictionary<object, object?>>(root["od"]);
        Assert.Equal(new List<object?> { 1L, 2L, 3L }, od["k"]);
        Assert.Equal("ab"u8.ToArray(), root["bytes"]);
        Assert.Equal("x", root["shared"]);
    }

    [Fact]
    public void A_stream_cut_short_is_truncated_not_an_index_error()
    {
        var bytes = Convert.FromHexString(Protocol2);
        for (var length = 0; length < bytes.Length; length++)
        {
            var error = Assert.Throws<InvalidInputException>(() => Load(bytes[..length]));
            Assert.StartsWith("test.pkl: ", error.Message);
        }
    }

    static object? Load(byte[] bytes) =>
        new Unpickler(bytes, 0, "test.pkl", _ => throw new PickleFormatException("no persistent ids")).Load();
}
