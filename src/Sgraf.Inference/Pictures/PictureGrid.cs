namespace Sgraf.Inference.Pictures;

/// <summary>A region's box in a picture's pixels: left, top, right, bottom.</summary>
public readonly record struct RegionBox(double X1, double Y1, double X2, double Y2);

/// <summary>
/// Where grid features come from in a picture: region r is cell (row r / grid, column r % grid), row-major from the top
/// left (<see cref="PictureEncoderGraph"/>). The cell is a 2 × 2 average with stride 1 of the (grid + 1)² convolutional
/// map, so it covers map rows and columns i and i + 1: in the picture, x from column · w / (grid + 1) to
/// (column + 2) · w / (grid + 1), and y likewise — neighbouring boxes overlap by half, as the cells' sources do (the map's
/// cells are the picture's 32-pixel blocks of the 224 × 224 input). The picture is scaled to the encoder's square input
/// whole, so the boxes hold for the picture as it is displayed: these are the boxes the service records as an image's
/// <c>boxes</c>.
/// </summary>
public static class PictureGrid
{
    public static IReadOnlyList<RegionBox> Boxes(int width, int height, int grid)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(grid);
        int map = grid + 1;
        var boxes = new RegionBox[grid * grid];
        for (int row = 0; row < grid; row++)
            for (int column = 0; column < grid; column++)
                boxes[row * grid + column] = new RegionBox(
                    (double)column * width / map, (double)row * height / map,
                    (double)(column + 2) * width / map, (double)(row + 2) * height / map);
        return boxes;
    }
}
