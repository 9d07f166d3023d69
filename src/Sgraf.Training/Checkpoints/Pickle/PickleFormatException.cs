namespace Sgraf.Training.Checkpoints.Pickle;

/// <summary>A pickle stream that cannot be read; the unpickler adds the byte offset and the file before it reaches users.</summary>
internal sealed class PickleFormatException(string message) : Exception(message);
