using System.IO.Compression;
using Scratch.Gan.Data;
using Xunit;

namespace Scratch.Tests.Gan;

public class IdxTests
{
    [Fact]
    public void Embedded_subset_is_10k_real_digits_with_the_documented_class_counts()
    {
        var m = ImageSet.Embedded();
        Assert.Equal((10000, 28, 28), (m.Count, m.Rows, m.Cols));
        var counts = Enumerable.Range(0, 10).Select(d => m.Labels.Count(l => l == d)).ToArray();
        Assert.Equal([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978], counts);
        var batch = m.Batch([0, 1], 28, Scratch.Tensors.Device.Cpu).ToArray<float>();
        Assert.InRange(batch.Min(), -1f, -0.99f);
        Assert.InRange(batch.Max(), 0.99f, 1f);
        var big = m.Batch([0], 64, Scratch.Tensors.Device.Cpu);
        Assert.Equal([1, 1, 64, 64], big.Shape);
    }

    static string Write(byte[] bytes, bool gzip, string name = "train-images-idx3-ubyte")
    {
        var dir = TempDirs.New().FullName;
        var path = Path.Combine(dir, name + (gzip ? ".gz" : ""));
        if (!gzip) File.WriteAllBytes(path, bytes);
        else using (var f = File.Create(path)) using (var z = new GZipStream(f, CompressionLevel.Fastest)) z.Write(bytes);
        return path;
    }

    static byte[] Images(int n, int magic = 0x803, int extra = 0)
    {
        var b = new byte[16 + n * 4 + extra];
        BitConverterBE(b, 0, magic); BitConverterBE(b, 4, n); BitConverterBE(b, 8, 2); BitConverterBE(b, 12, 2);
        for (int i = 16; i < b.Length; i++) b[i] = (byte)i;
        return b;
    }

    static void BitConverterBE(byte[] b, int at, int v)
    { b[at] = (byte)(v >> 24); b[at + 1] = (byte)(v >> 16); b[at + 2] = (byte)(v >> 8); b[at + 3] = (byte)v; }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_valid_files_raw_or_gzipped(bool gzip)
    {
        var img = Idx.ReadImages(Write(Images(3), gzip));
        Assert.Equal((3, 2, 2), (img.Count, img.Rows, img.Cols));
        Assert.Equal(16, img.Pixels[0]);
    }

    [Fact]
    public void Wrong_magic_truncated_trailing_and_corrupt_files_name_the_file_and_the_problem()
    {
        var wrong = Write(Images(3, magic: 0x801), false);
        Assert.Equal($"{wrong}: wrong magic number 0x00000801 (expected 0x00000803, IDX u8 images)",
            Assert.Throws<InvalidDataException>(() => Idx.ReadImages(wrong)).Message);
        var full = Images(3);
        var cut = Write(full[..^5], false);
        Assert.Equal($"{cut}: truncated: header promises 12 bytes of data, file has 7",
            Assert.Throws<InvalidDataException>(() => Idx.ReadImages(cut)).Message);
        var shortHeader = Write(full[..10], false);
        Assert.Contains("truncated IDX header", Assert.Throws<InvalidDataException>(() => Idx.ReadImages(shortHeader)).Message);
        var trailing = Write(Images(3, extra: 2), false);
        Assert.Contains("2 unexpected bytes after the data", Assert.Throws<InvalidDataException>(() => Idx.ReadImages(trailing)).Message);
        var gz = Write(Images(3), true);
        var bytes = File.ReadAllBytes(gz);
        for (int i = 12; i < bytes.Length - 8; i++) bytes[i] ^= 0x5A;
        File.WriteAllBytes(gz, bytes);
        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(gz));
        Assert.StartsWith(gz + ":", e.Message);
    }

    [Fact]
    public void Image_files_round_trip_through_the_writer()
    {
        var path = Path.Combine(TempDirs.New().FullName, "s-idx3-ubyte");
        var px = Enumerable.Range(0, 2 * 3 * 3).Select(i => (byte)(i * 7)).ToArray();
        Idx.WriteImages(path, 2, 3, 3, px);
        var r = Idx.ReadImages(path);
        Assert.Equal((2, 3, 3), (r.Count, r.Rows, r.Cols));
        Assert.Equal(px, r.Pixels);
    }

    [Fact]
    public void A_folder_with_t10k_files_trains_on_the_training_split_only()
    {
        // t10k is held out for evaluation: a generator must not have seen the digits it is compared with.
        var dir = TempDirs.New().FullName;
        Idx.WriteImages(Path.Combine(dir, "train-images-idx3-ubyte"), 3, 2, 2, new byte[12]);
        File.WriteAllBytes(Path.Combine(dir, "train-labels-idx1-ubyte"), [0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3]);
        Idx.WriteImages(Path.Combine(dir, "t10k-images-idx3-ubyte"), 2, 2, 2, Enumerable.Repeat((byte)9, 8).ToArray());
        File.WriteAllBytes(Path.Combine(dir, "t10k-labels-idx1-ubyte"), [0, 0, 8, 1, 0, 0, 0, 2, 7, 8]);
        var m = ImageSet.FromFolder(dir);
        Assert.Equal((3, 1), (m.Count, m.Channels));
        Assert.Equal([1, 2, 3], m.Labels);
    }

    const string Fashion = "/usr/share/datasets/fashion-mnist";

    public sealed class FashionFactAttribute : FactAttribute
    {
        public FashionFactAttribute([System.Runtime.CompilerServices.CallerMemberName] string test = "")
        {
            if (!Directory.Exists(Fashion))
                Skipping.Because(this, test, $"Fashion-MNIST is not installed ({Fashion}); apt-get install dataset-fashion-mnist");
        }
    }

    [FashionFact]
    public void Reads_full_size_fashion_mnist()
    {
        // the training split (60,000); the t10k files, where the package ships them, are held out.
        var m = ImageSet.FromFolder(Fashion);
        Assert.Equal(60000, m.Count);
        Assert.Equal(6000, m.Labels.Count(l => l == 3));
    }
}
