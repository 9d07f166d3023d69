using Sgraf.TestSupport;
using System.Diagnostics;
using Sgraf.Inference.Model;
using Sgraf.Training.Checkpoints;

namespace Sgraf.Training.Tests.Checkpoints;

public class TorchSaveRoundTripTests
{
    [Theory]
    [InlineData(SimilarityModule.SGR)]
    [InlineData(SimilarityModule.SAF)]
    public void A_default_size_checkpoint_reads_back_with_every_tensor_equal(SimilarityModule module)
    {
        using var temp = new TempDirectory();
        var config = TestWeights.Default(module);
        var weights = TestWeights.Random(config);
        var path = temp.File("checkpoint_3.pth.tar");
        TorchSaveWriter.WriteCheckpoint(path, config, weights);

        var watch = Stopwatch.StartNew();
        var checkpoint = OfficialCheckpoint.Load(path);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"reading took {watch.Elapsed}");
        Assert.Equal(config, checkpoint.Config);
        Assert.Equal(TorchSaveFormat.Zip, checkpoint.Format);
        TestWeights.AssertSameTensors(weights, checkpoint.Weights);
        Assert.Equal(8481L * 300, checkpoint.Weights.TextEncoder["embed.weight"].ElementCount);
    }

    [Fact]
    public void Views_into_one_shared_cuda_storage_become_contiguous_copies()
    {
        // cuDNN keeps all GRU weights in one flat buffer, so each saved weight is a view at an offset into it.
        // One weight here is also stored transposed (strides [1, rows]) to cover non-contiguous views.
        using var temp = new TempDirectory();
        var config = TestWeights.Small();
        var weights = TestWeights.Random(config);
        var writer = new TorchSaveWriter();
        var flat = new List<float>();
        var layout = new List<(string Key, long Offset, long[] Shape, long[] Strides)>();
        const string transposed = "cap_rnn.weight_hh_l0_reverse";
        foreach (var (key, tensor) in weights.TextEncoder.Where(kv => kv.Key.StartsWith("cap_rnn.", StringComparison.Ordinal)))
        {
            var (offset, values, shape) = (flat.Count, tensor.ToFloat32(), tensor.Shape);
            if (key == transposed)
            {
                var (rows, columns) = ((int)shape[0], (int)shape[1]);
                for (var c = 0; c < columns; c++)
                    for (var r = 0; r < rows; r++) flat.Add(values[r * columns + c]);
                layout.Add((key, offset, shape, [1, rows]));
            }
            else
            {
                flat.AddRange(values);
                layout.Add((key, offset, shape, TorchSaveWriter.ContiguousStrides(shape)));
            }
        }
        var flatKey = writer.AddStorage(HostTensor.FromFloat32([flat.Count], flat.ToArray()).Bytes.ToArray());
        var textEncoder = new List<KeyValuePair<string, object?>>
        {
            new("embed.weight", writer.AddTensor(weights.TextEncoder["embed.weight"], "cuda:0")),
        };
        textEncoder.AddRange(layout.Select(view => KeyValuePair.Create(view.Key,
            (object?)new PyTensor(flatKey, "FloatStorage", flat.Count, "cuda:0", view.Offset, view.Shape, view.Strides))));
        var root = new PyDict(
        [
            new("epoch", 1L),
            new("model", new List<object?>
            {
                StateDict(writer, weights.ImageEncoder),
                new PyOrderedDict(textEncoder),
                StateDict(writer, weights.Similarity),
            }),
            new("best_rsum", 0.0),
            new("opt", new PyNamespace(TorchSaveWriter.Options(config))),
            new("Eiters", 10L),
        ]);
        var path = temp.File("model_best.pth.tar");
        writer.Write(path, root);

        var checkpoint = OfficialCheckpoint.Load(path);

        TestWeights.AssertSameTensors(weights, checkpoint.Weights);
    }

    [Fact]
    public void Half_bfloat16_double_and_integer_storages_keep_their_dtype_and_convert_to_float32()
    {
        using var temp = new TempDirectory();
        float[] values = [0.5f, -1.25f, 3f, 1024f];
        var half = values.Select(v => (Half)v).SelectMany(h => BitConverter.GetBytes(h)).ToArray();
        var bfloat = values.Select(v => (ushort)(BitConverter.SingleToInt32Bits(v) >> 16)).SelectMany(BitConverter.GetBytes).ToArray();
        var dbl = values.SelectMany(v => BitConverter.GetBytes((double)v)).ToArray();
        var ints = values.SelectMany(v => BitConverter.GetBytes((int)v)).ToArray();
        var writer = new TorchSaveWriter();
        PyTensor Vector(byte[] bytes, string type) =>
            new(writer.AddStorage(bytes), type, values.Length, "cuda:1", 0, [values.Length], [1]);
        var root = new PyOrderedDict(
        [
            new("half", Vector(half, "HalfStorage")),
            new("bfloat", Vector(bfloat, "BFloat16Storage")),
            new("double", Vector(dbl, "DoubleStorage")),
            new("int", Vector(ints, "IntStorage")),
        ]);
        var path = temp.File("dtypes.pt");
        writer.Write(path, root, prefix: "archive");

        var dict = Assert.IsType<OrderedDictionary<object, object?>>(TorchSaveReader.Read(path).Root);

        Assert.Equal(TensorDType.Float16, ((HostTensor)dict["half"]!).DType);
        Assert.Equal(TensorDType.BFloat16, ((HostTensor)dict["bfloat"]!).DType);
        Assert.Equal(TensorDType.Float64, ((HostTensor)dict["double"]!).DType);
        Assert.Equal(TensorDType.Int32, ((HostTensor)dict["int"]!).DType);
        foreach (var name in new[] { "half", "bfloat", "double" })
            Assert.Equal(values, ((HostTensor)dict[name]!).ToFloat32());
        Assert.Equal(new long[] { 0, -1, 3, 1024 }, ((HostTensor)dict["int"]!).ToInt64());
    }

    static PyOrderedDict StateDict(TorchSaveWriter writer, IReadOnlyDictionary<string, HostTensor> tensors) =>
        new(tensors.Select(kv => KeyValuePair.Create(kv.Key, (object?)writer.AddTensor(kv.Value, "cuda:0"))).ToList());
}
