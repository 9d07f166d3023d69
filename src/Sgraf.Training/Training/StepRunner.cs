using Sgraf.Training.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Sgraf.Training.Training;

/// <summary>
/// One optimiser step of the official recipe (spec §10): the loss and its gradients for a batch, the total gradient
/// norm clipped, then Adam over txt_enc, img_enc and sim_enc in the official order. The gradients come from
/// <see cref="FastGradients"/> unless <see cref="TrainingOptions.PlainStep"/> asks for the whole autograd graph
/// (<see cref="PlainGradients"/>); both are the same maths.
/// </summary>
public sealed class StepRunner : IDisposable
{
    readonly SgrafModel model;
    readonly TrainingOptions options;
    readonly Parameter[] parameters;

    public StepRunner(SgrafModel model, TrainingOptions options)
    {
        BFloat16Support.Require(options);
        NativeAllocator.KeepFreedMemory();
        this.model = model;
        this.options = options;
        parameters = [.. model.TextEncoder.parameters(), .. model.ImageEncoder.parameters(), .. model.SimilarityEncoder.parameters()];
        Optimizer = optim.Adam(parameters, options.LearningRate);
        MaxViolation = options.MaxViolation;
    }

    public optim.Optimizer Optimizer { get; }

    /// <summary>Whether steps take the hardest negative only; the trainer turns it on after the warm-up epochs.</summary>
    public bool MaxViolation { get; set; } = true;

    /// <summary>Every parameter, in the official order (txt_enc, img_enc, sim_enc).</summary>
    public IReadOnlyList<Parameter> Parameters => parameters;

    /// <summary>The loss of <paramref name="batch"/> with every parameter's gradient set from it, nothing updated yet.</summary>
    public double Gradients(TrainingBatch batch)
    {
        model.train();
        Optimizer.zero_grad();
        using var precision = model.Products.Use(options.BFloat16);
        return options.PlainStep
            ? PlainGradients.Backward(model, batch, options.Margin, MaxViolation)
            : FastGradients.Backward(model, batch, options.Margin, MaxViolation, options.Threads ?? get_num_threads());
    }

    /// <summary>Clips the gradients' total norm and takes the Adam step.</summary>
    public void Update()
    {
        if (options.GradClip > 0) nn.utils.clip_grad_norm_(parameters, options.GradClip);
        CollectionPause.Run(() => Optimizer.step());
        PhaseClock.Mark("clip + adam");
    }

    /// <summary>One Adam step on <paramref name="batch"/> (each caption with its image); returns the batch loss.</summary>
    public double Step(TrainingBatch batch) => CollectionPause.Run(() =>
    {
        var loss = Gradients(batch);
        Update();
        return loss;
    });

    public void Dispose() => Optimizer.Dispose();
}
