namespace Sgraf.Inference.Pictures;

/// <summary>A region's box in a picture's pixels: left, top, right, bottom.</summary>
public readonly record struct RegionBox(double X1, double Y1, double X2, double Y2);

/// <summary>
/// Where grid features come from in a picture: region r is cell (row r / grid, column r % grid), row-major from the top
/// left (<see cref="PictureEncoderGraph"/>). The picture is scaled to the encoder's square input whole, so the cells
/// tile the picture as it is displayed: these are the boxes the service records as an image's <c>boxes</c>.
/// </summary>
public static class PictureGrid
{
    public static IReadOnlyList<RegionBox> Boxes(int width, int height, int grid)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(grid);
        var boxes = new RegionBox[grid * grid];
        for (int row = 0; row < grid; row++)
            for (int column = 0; column < grid; column++)
                boxes[row * grid + column] = new RegionBox(
                    (double)column * width / grid, (double)row * height / grid,
                    (double)(column + 1) * width / grid, (double)(row + 1) * height / grid);
        return boxes;
    }
}
