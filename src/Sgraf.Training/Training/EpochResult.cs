using Sgraf.Inference.Evaluation;

namespace Sgraf.Training.Training;

/// <summary>One finished epoch: its mean batch loss, learning rate, validation on dev and wall time.</summary>
/// <param name="Epoch">1-based: the number of epochs done, as the checkpoint of this epoch is named.</param>
/// <param name="MeanLoss">Mean over the epoch's iterations of the batch loss (itself a sum over the batch).</param>
public sealed record EpochResult(int Epoch, double MeanLoss, double LearningRate, RetrievalReport Validation, double Seconds);

/// <summary>One optimiser step, as a progress display needs it.</summary>
/// <param name="Epoch">0-based epoch.</param>
/// <param name="Step">1-based step within the epoch.</param>
/// <param name="Iteration">Steps since the start of training (the official Eiters).</param>
public sealed record TrainingStep(int Epoch, int Step, int StepsPerEpoch, long Iteration, double Loss, int Captions);
