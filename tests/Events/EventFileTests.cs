using System.Text;
using FsCheck.Xunit;
using Scratch.Gan.Training.Events;
using Xunit;

namespace Scratch.Tests.Events;

/// <summary>TensorBoard event files: the CRC, the framing, and a write read back by <see cref="EventFileReader"/>.</summary>
public class EventFileTests
{
    [Fact]
    public void Crc32c_of_123456789_is_the_known_answer()
    {
        // The check value every CRC-32C specification quotes (e.g. RFC 3720's iSCSI CRC).
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0u, Crc32C.Compute([]));
    }

    [Property]
    public bool Crc32c_equals_the_bitwise_definition(byte[] data) => Crc32C.Compute(data) == BitwiseCrc32C(data);

    /// <summary>CRC-32C one bit at a time: the reflected Castagnoli polynomial 0x82F63B78, initial and final value all ones.</summary>
    static uint BitwiseCrc32C(byte[] data)
    {
        uint crc = ~0u;
        foreach (var b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
        return ~crc;
    }

    [Fact]
    public void A_written_file_reads_back_whole_scalars_image_histogram_and_text()
    {
        var dir = TempDirs.New("scratch-events").FullName;
        try
        {
            byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3];
            string path;
            using (var w = new EventFileWriter(dir, () => 1_700_000_000.25))
            {
                path = w.Path;
                w.Scalars(7, ("loss/d", 0.5), ("loss/g", double.NaN), ("d/real", 0.75));
                w.Image("samples/fixed", 8, png, 3, 2, 1);
                w.Histogram("weights/fc", 9, [1f, 2f, 2f, 4f]);
                w.Text("config", 0, "{\"model\": \"dcgan\"}");
            }
            Assert.StartsWith("events.out.tfevents.1700000000." + Environment.MachineName + ".", Path.GetFileName(path));
            Assert.Equal([path], EventFileReader.FilesIn(dir));

            var entries = EventFileReader.ReadAll(path);
            Assert.Equal(["loss/d", "d/real", "samples/fixed", "weights/fc", "config"], entries.Select(e => e.Tag));   // NaN is left out
            Assert.All(entries, e => Assert.Equal(1_700_000_000.25, e.WallTime));
            Assert.Equal((7, EventKind.Scalar, 0.5), (entries[0].Step, entries[0].Kind, entries[0].Scalar));
            Assert.Equal(0.75, entries[1].Scalar);
            Assert.Equal((8L, EventKind.Image), (entries[2].Step, entries[2].Kind));
            Assert.Equal(png, entries[2].Png);
            var h = entries[3].Histogram!;
            Assert.Equal((9L, 1.0, 4.0, 4.0, 9.0, 25.0), (entries[3].Step, h.Min, h.Max, h.Count, h.Sum, h.SumSquares));
            Assert.Equal(4.0, h.BucketLimits[^1]);
            Assert.Equal(4.0, h.BucketCounts.Sum());
            Assert.Equal((EventKind.Text, "{\"model\": \"dcgan\"}"), (entries[4].Kind, entries[4].Text));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_histogram_puts_each_value_in_the_bucket_whose_right_edge_holds_it()
    {
        var h = HistogramData.Of([0f, 1f, 2f, 3f, 4f, float.NaN], buckets: 4);
        Assert.Equal([1.0, 2.0, 3.0, 4.0], h.BucketLimits);
        Assert.Equal([2.0, 1.0, 1.0, 1.0], h.BucketCounts);   // (−∞, 1] holds 0 and 1; NaN is left out
        Assert.Equal(5.0, h.Count);
        Assert.Equal([7.0], HistogramData.Of([7f, 7f]).BucketLimits);
    }

    [Fact]
    public void A_flipped_byte_anywhere_in_a_record_is_reported_with_the_file_and_the_offset()
    {
        var dir = TempDirs.New("scratch-events").FullName;
        try
        {
            var (path, starts) = ThreeScalars(dir);
            var good = File.ReadAllBytes(path);
            // Every byte of the second scalar's record, flipped in turn: length, its CRC, payload, payload's CRC.
            for (long at = starts[2]; at < starts[3]; at++)
            {
                var bad = (byte[])good.Clone();
                bad[at] ^= 0x40;
                File.WriteAllBytes(path, bad);
                var chunk = EventFileReader.Read(path);
                Assert.Equal(starts[2], chunk.NextOffset);
                Assert.Equal(["a"], chunk.Entries.Select(e => e.Tag));   // the record before it still reads
                Assert.Contains(path, chunk.Error);
                Assert.Contains($"at byte {starts[2]} is damaged", chunk.Error);
                Assert.Throws<InvalidDataException>(() => EventFileReader.ReadAll(path));
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_torn_last_record_is_left_for_the_next_read_which_continues_from_the_offset_returned()
    {
        var dir = TempDirs.New("scratch-events").FullName;
        try
        {
            var (path, starts) = ThreeScalars(dir);
            var whole = File.ReadAllBytes(path);
            // The file as a reader sees it while the writer is part-way through the last record.
            for (long cut = starts[3] + 1; cut < whole.Length; cut++)
            {
                File.WriteAllBytes(path, whole[..(int)cut]);
                var first = EventFileReader.Read(path);
                Assert.Null(first.Error);
                Assert.Equal(["a", "b"], first.Entries.Select(e => e.Tag));
                Assert.Equal(starts[3], first.NextOffset);

                File.WriteAllBytes(path, whole);   // the writer finishes the record
                var rest = EventFileReader.Read(path, first.NextOffset);
                Assert.Null(rest.Error);
                Assert.Equal(["c"], rest.Entries.Select(e => e.Tag));
                Assert.Equal(whole.Length, rest.NextOffset);
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Every_record_of_a_written_file_carries_matching_crcs()
    {
        var dir = TempDirs.New("scratch-events").FullName;
        try
        {
            var (path, starts) = ThreeScalars(dir);
            var bytes = File.ReadAllBytes(path);
            for (int r = 0; r + 1 < starts.Length; r++)
            {
                var record = bytes.AsSpan((int)starts[r], (int)(starts[r + 1] - starts[r]));
                ulong length = BitConverter.ToUInt64(record);
                Assert.Equal((ulong)record.Length - TfRecord.Overhead, length);
                Assert.Equal(Crc32C.Mask(Crc32C.Compute(record[..8])), BitConverter.ToUInt32(record[8..]));
                Assert.Equal(Crc32C.Mask(Crc32C.Compute(record[12..^4])), BitConverter.ToUInt32(record[^4..]));
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>A file of the version event and three scalar events a, b, c; the offsets where each record starts, and the file's length.</summary>
    internal static (string Path, long[] Starts) ThreeScalars(string dir)
    {
        string path;
        using (var w = new EventFileWriter(dir))
        {
            path = w.Path;
            w.Scalar("a", 1, 1.0);
            w.Scalar("b", 2, 2.0);
            w.Scalar("c", 3, 3.0);
        }
        var (payloads, next, error) = EventFileReader.ReadPayloads(path);
        Assert.Null(error);
        Assert.Equal(4, payloads.Count);
        return (path, [.. payloads.Select(p => p.Offset), next]);
    }
}
