using Scratch.Autograd;

namespace Scratch.Layers;

/// <summary>
/// Keeps the top-left height × width of each [N, C, H, W] feature map: Gulrajani et al.'s MNIST
/// generator grows 4 → 8 and crops to 7 so that two more doublings reach 28. The gradient is zero on
/// the cut rows and columns (Narrow's backward).
/// </summary>
public sealed class Crop2d(int height, int width) : Module
{
    public int Height { get; } = height;
    public int Width { get; } = width;

    public override Tensor Forward(Tensor x)
    {
        if (x.Rank != 4 || x.Shape[2] < Height || x.Shape[3] < Width)
            throw new ArgumentException($"crop2d: cannot take {Height}×{Width} from a tensor of shape [{string.Join(", ", x.Shape)}]");
        return x.Narrow(2, 0, Height).Narrow(3, 0, Width).Contiguous();
    }
}
