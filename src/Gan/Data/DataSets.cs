namespace Scratch.Gan.Data;

/// <summary>
/// What `--data` names: "embedded" (the 10k MNIST digits in the program), a folder of IDX files
/// (MNIST, Fashion-MNIST, any set with the standard file names), or a folder of PNG/JPEG pictures.
/// </summary>
public static class DataSets
{
    /// <summary>
    /// Opens the data at the channels asked for (0: what the data has). Pictures are cropped and
    /// resized to size×size once and cached, in the data folder or else under cacheFallback.
    /// </summary>
    public static ImageSet Open(string data, int size, int channels, string cacheFallback, TextWriter? log = null)
    {
        if (data == "embedded") return ImageSet.Embedded().WithChannels(channels == 0 ? 1 : channels);
        if (File.Exists(data)) throw new InvalidDataException($"--data takes a folder (of IDX files or of .png/.jpg pictures); '{data}' is a file");
        if (!Directory.Exists(data)) throw new DirectoryNotFoundException($"data folder '{data}' does not exist");
        if (ImageSet.IsIdxFolder(data)) return ImageSet.FromFolder(data).WithChannels(channels == 0 ? 1 : channels);
        return ImageFolder.Load(data, size, channels, cacheFallback, log);
    }
}
