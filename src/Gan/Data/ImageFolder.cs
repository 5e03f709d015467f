using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Scratch.Gan.Images;

namespace Scratch.Gan.Data;

/// <summary>
/// A folder (searched recursively) of PNG and JPEG pictures as a data set. Each picture is
/// centre-cropped to a square and resized to the image size, so mixed sizes and aspect ratios
/// are fine. Decoding thousands of files takes far longer than an epoch's arithmetic on them, so the
/// result is decoded once and cached as an IDX u8 file [N, 3, S, S]; the cache's name is a hash
/// of the file list (relative paths, sizes, modification times) and the image size, so adding,
/// removing or editing a picture makes a new cache instead of silently reusing a stale one.
/// </summary>
public static class ImageFolder
{
    static readonly string[] Extensions = [".png", ".jpg", ".jpeg"];
    public const string CacheFolderName = ".scratch-cache";

    /// <summary>
    /// The pictures under dir, in a stable (ordinal) order. Hidden entries (names starting with '.')
    /// are skipped: that covers the cache folder and the "._name.png" metadata files macOS leaves on
    /// copied folders, which carry a picture's extension but are not pictures.
    /// </summary>
    public static List<string> Files(string dir) =>
        Directory.EnumerateFiles(dir, "*",
            new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden })
            .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Where(f => !Path.GetRelativePath(dir, f).Split(Path.DirectorySeparatorChar).Contains(CacheFolderName))
            .Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Loads the pictures at size×size with the given channels (0: 3 if any picture has colour,
    /// else 1). The cache goes to dir/.scratch-cache, or to fallbackCacheDir when dir is read-only.
    /// </summary>
    public static ImageSet Load(string dir, int size, int channels, string fallbackCacheDir, TextWriter? log = null)
    {
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"data folder '{dir}' does not exist");
        var files = Files(dir);
        if (files.Count == 0) throw new InvalidDataException($"data folder '{dir}' holds no IDX training files and no .png, .jpg or .jpeg pictures");
        var name = $"images-{Key(dir, files, size)}-{files.Count}x3x{size}x{size}-idx4-ubyte";
        var cached = new[] { Path.Combine(dir, CacheFolderName, name), Path.Combine(fallbackCacheDir, name) }.FirstOrDefault(File.Exists);
        byte[] rgb;
        var fromCache = cached == null ? null : ReadCache(cached, files.Count, size);
        if (fromCache != null) rgb = fromCache;
        else
        {
            log?.WriteLine($"decoding {files.Count} pictures in {dir} to {size}×{size} (once; cached for later runs)");
            rgb = Decode(files, size);
            WriteCache(Path.Combine(dir, CacheFolderName, name), Path.Combine(fallbackCacheDir, name), files.Count, size, rgb);
        }
        var set = new ImageSet(files.Count, 3, size, size, rgb, new byte[files.Count], $"{dir} ({files.Count} pictures)");
        if (channels == 0) channels = HasColour(rgb, size * size) ? 3 : 1;
        return set.WithChannels(channels);
    }

    static string Key(string dir, List<string> files, int size)
    {
        var sb = new StringBuilder($"scratch-image-folder v1 size={size}\n");
        foreach (var f in files)
        {
            var info = new FileInfo(f);
            sb.Append(Path.GetRelativePath(dir, f)).Append('\t').Append(info.Length.ToString(CultureInfo.InvariantCulture))
              .Append('\t').Append(info.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())))[..16];
    }

    /// <summary>Decodes every picture (in parallel: Skia's codecs are independent per file) into [N, 3, S, S].</summary>
    static byte[] Decode(List<string> files, int size)
    {
        int plane = size * size;
        var all = new byte[files.Count * 3 * plane];
        var failed = new Exception?[files.Count];
        Parallel.For(0, files.Count, i =>
        {
            byte[] px;
            try { px = ImageFile.ReadSquareRgb(files[i], size); }
            catch (InvalidDataException e) { failed[i] = e; return; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failed[i] = new InvalidDataException($"{files[i]}: cannot be read ({e.Message})");
                return;
            }
            for (int p = 0; p < plane; p++)
                for (int c = 0; c < 3; c++) all[(i * 3 + c) * plane + p] = px[p * 3 + c];
        });
        // Report the first bad file in folder order (not whichever thread failed first), and how many more there are.
        var bad = failed.Where(e => e != null).ToList();
        if (bad.Count > 0)
            throw new InvalidDataException(bad[0]!.Message + (bad.Count > 1 ? $" (and {bad.Count - 1} more unreadable pictures)" : ""));
        return all;
    }

    /// <summary>The cached pixels, or null when the cache is damaged: it is only a cache, so it is rebuilt rather than failing the run.</summary>
    static byte[]? ReadCache(string path, int count, int size)
    {
        try
        {
            var (dims, data) = Idx.ReadTensor4(path);
            return dims.SequenceEqual([count, 3, size, size]) ? data : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException) { return null; }
    }

    static void WriteCache(string primary, string fallback, int count, int size, byte[] rgb)
    {
        try { Idx.Write(primary, [count, 3, size, size], rgb); }
        catch (IOException)
        {
            try { Idx.Write(fallback, [count, 3, size, size], rgb); }
            catch (IOException) { /* no cache this time: the next run decodes again, which is slower but correct */ }
        }
    }

    /// <summary>Laid out [N, 3, S, S]: the set is grey when every picture's R, G and B planes are identical.</summary>
    static bool HasColour(byte[] nchw, int plane)
    {
        for (int n = 0; n < nchw.Length / (3 * plane); n++)
        {
            var r = nchw.AsSpan(n * 3 * plane, plane);
            if (!r.SequenceEqual(nchw.AsSpan(n * 3 * plane + plane, plane)) || !r.SequenceEqual(nchw.AsSpan(n * 3 * plane + 2 * plane, plane)))
                return true;
        }
        return false;
    }
}
