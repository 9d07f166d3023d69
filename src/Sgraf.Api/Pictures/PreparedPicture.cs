using Sgraf.Inference.Pictures;

namespace Sgraf.Api.Pictures;

/// <summary>A picture decoded for the gallery: the encoder's input (<see cref="PictureInput"/>) and the copy kept to show it.</summary>
/// <param name="Pixels">The encoder's input: size × size × 3 RGB bytes.</param>
/// <param name="Copy">The bounded JPEG copy stored with the image.</param>
public sealed record PreparedPicture(byte[] Pixels, PictureCopy Copy);
