using Google.Protobuf;
using Scratch.Gan.Training.Events.Proto;

namespace Scratch.Gan.Training.Events;

/// <summary>What a summary value holds.</summary>
public enum EventKind { Scalar, Image, Histogram, Text }

/// <summary>
/// One value of an event file: its tag, step and wall time (seconds since 1970, UTC), and the one
/// field its <see cref="Kind"/> names — a scalar, a PNG, a histogram or a text.
/// </summary>
public sealed record EventEntry(string Tag, long Step, double WallTime, EventKind Kind)
{
    public double Scalar { get; init; } = double.NaN;
    public byte[]? Png { get; init; }
    public HistogramData? Histogram { get; init; }
    public string? Text { get; init; }
}

/// <summary>
/// What one <see cref="EventFileReader.Read"/> found: the entries of every whole record from the
/// offset asked for, and the offset to ask for next time. A torn last record (one the writer has not
/// finished) is not an error: NextOffset stays at its start, so the next read gets it whole. Error
/// says where a damaged record is (file and byte offset); NextOffset then points at that record, and
/// the entries before it are still returned.
/// </summary>
public sealed record EventFileChunk(IReadOnlyList<EventEntry> Entries, long NextOffset, string? Error);

/// <summary>
/// Reads TensorBoard event files (events.out.tfevents.*): TFRecord framing (<see cref="TfRecord"/>)
/// around Event messages. A live reader tails a growing file by calling <see cref="Read"/> again with
/// the NextOffset it was given; <see cref="ReadAll"/> reads a finished file and throws on damage.
/// Entries of kinds this program does not write (audio, graphs) are skipped.
/// </summary>
public static class EventFileReader
{
    /// <summary>The prefix of every event file's name, as TensorBoard looks for it.</summary>
    public const string FilePrefix = "events.out.tfevents.";

    /// <summary>The event files of a run folder, oldest first (their names start with the Unix time they were opened).</summary>
    public static string[] FilesIn(string dir) =>
        Directory.Exists(dir) ? [.. Directory.GetFiles(dir, FilePrefix + "*").Order(StringComparer.Ordinal)] : [];

    /// <summary>The entries of every whole record from offset on (see <see cref="EventFileChunk"/>).</summary>
    public static EventFileChunk Read(string path, long offset = 0)
    {
        var entries = new List<EventEntry>();
        var (payloads, next, error) = ReadPayloads(path, offset);
        foreach (var (at, payload) in payloads)
        {
            Event e;
            try { e = Event.Parser.ParseFrom(payload); }
            catch (InvalidProtocolBufferException ex)
            {
                return new EventFileChunk(entries, at, $"{path}: the record at byte {at} is not an Event message ({ex.Message})");
            }
            if (e.WhatCase == Event.WhatOneofCase.Summary)
                foreach (var v in e.Summary.Value)
                    if (Decode(v, e.Step, e.WallTime) is { } entry) entries.Add(entry);
        }
        return new EventFileChunk(entries, next, error);
    }

    /// <summary>Every entry of a finished file; a damaged record throws InvalidDataException naming file and offset.</summary>
    public static IReadOnlyList<EventEntry> ReadAll(string path)
    {
        var chunk = Read(path);
        if (chunk.Error != null) throw new InvalidDataException(chunk.Error);
        return chunk.Entries;
    }

    /// <summary>
    /// The payloads of the whole records from offset on, each with the offset it starts at; the offset
    /// after the last whole record; and the error that stopped reading, if any.
    /// </summary>
    public static (List<(long Offset, byte[] Payload)> Payloads, long Next, string? Error) ReadPayloads(string path, long offset = 0)
    {
        byte[] bytes;
        // FileShare.ReadWrite: the trainer may have the file open for writing while it is read.
        using (var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            if (offset > f.Length) return ([], offset, $"{path}: offset {offset} is past the file's end ({f.Length} bytes)");
            f.Seek(offset, SeekOrigin.Begin);
            bytes = new byte[f.Length - offset];
            f.ReadExactly(bytes);
        }
        var payloads = new List<(long, byte[])>();
        long at = 0;
        while (at < bytes.Length)
        {
            var status = TfRecord.TryRead(bytes.AsSpan((int)at), out var payload, out long size);
            switch (status)
            {
                case RecordStatus.Whole: payloads.Add((offset + at, payload.ToArray())); at += size; break;
                case RecordStatus.Torn: return (payloads, offset + at, null);
                case RecordStatus.BadLengthCrc:
                    return (payloads, offset + at, $"{path}: the record at byte {offset + at} is damaged (its length's CRC does not match)");
                case RecordStatus.BadPayloadCrc:
                    return (payloads, offset + at, $"{path}: the record at byte {offset + at} is damaged (its payload's CRC does not match)");
            }
        }
        return (payloads, offset + at, null);
    }

    static EventEntry? Decode(Summary.Types.Value v, long step, double wallTime)
    {
        var entry = new EventEntry(v.Tag, step, wallTime, EventKind.Scalar);
        switch (v.ValueCase)
        {
            case Summary.Types.Value.ValueOneofCase.SimpleValue:
                return entry with { Scalar = v.SimpleValue };
            case Summary.Types.Value.ValueOneofCase.Image:
                return entry with { Kind = EventKind.Image, Png = v.Image.EncodedImageString.ToByteArray() };
            case Summary.Types.Value.ValueOneofCase.Histo:
                var h = v.Histo;
                return entry with { Kind = EventKind.Histogram,
                    Histogram = new HistogramData(h.Min, h.Max, h.Num, h.Sum, h.SumSquares, [.. h.BucketLimit], [.. h.Bucket]) };
            case Summary.Types.Value.ValueOneofCase.Tensor:
                return DecodeTensor(entry, v.Tensor);
            default:
                return null;
        }
    }

    /// <summary>The tensor form other writers use (TF 2's scalars, every writer's text): a string or a single number.</summary>
    static EventEntry? DecodeTensor(EventEntry entry, TensorProto t) => t.Dtype switch
    {
        DataType.DtString when t.StringVal.Count > 0 =>
            entry with { Kind = EventKind.Text, Text = string.Join("\n", t.StringVal.Select(s => s.ToStringUtf8())) },
        DataType.DtFloat when t.FloatVal.Count == 1 => entry with { Scalar = t.FloatVal[0] },
        DataType.DtFloat when t.TensorContent.Length == 4 => entry with { Scalar = BitConverter.ToSingle(t.TensorContent.Span) },
        DataType.DtDouble when t.DoubleVal.Count == 1 => entry with { Scalar = t.DoubleVal[0] },
        DataType.DtDouble when t.TensorContent.Length == 8 => entry with { Scalar = BitConverter.ToDouble(t.TensorContent.Span) },
        _ => null,
    };
}
