using System.Text;
using Google.Protobuf;
using Scratch.Gan.Training.Events.Proto;

namespace Scratch.Gan.Training.Events;

/// <summary>
/// Writes a TensorBoard event file into a folder: a new file named as TensorBoard names its own
/// (events.out.tfevents.&lt;Unix time&gt;.&lt;host&gt;.&lt;pid&gt;), starting with the file-version event,
/// then one Event per call, each framed by <see cref="TfRecord"/>. Records go through a buffer and
/// reach the file at <see cref="Flush"/> (the caller decides how often), when the buffer fills, and
/// on dispose. Records are only ever appended, so a file cut off anywhere (Ctrl-C, a crash, a reader
/// looking mid-write) ends in at most one torn record, which readers skip. Never appends to an existing file: a resumed run gets a file of its own.
/// </summary>
public sealed class EventFileWriter : IDisposable
{
    readonly FileStream _file;
    readonly Func<double> _clock;
    readonly MemoryStream _record = new();
    readonly HashSet<string> _described = new();

    public string Path { get; }

    /// <summary>Opens a new event file in dir; clock gives the wall time of each event in Unix seconds (tests fix it).</summary>
    public EventFileWriter(string dir, Func<double>? clock = null)
    {
        _clock = clock ?? (() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0);
        Directory.CreateDirectory(dir);
        long opened = (long)_clock();
        string host = Environment.MachineName, pid = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Two writers in one process within a second (tests, a resume straight after a stop): a suffix keeps both files.
        string name = $"{EventFileReader.FilePrefix}{opened}.{host}.{pid}";
        Path = System.IO.Path.Combine(dir, name);
        for (int i = 1; File.Exists(Path); i++) Path = System.IO.Path.Combine(dir, $"{name}.{i}");
        _file = new FileStream(Path, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete, 1 << 16);
        Write(new Event { WallTime = _clock(), FileVersion = "brain.Event:2", SourceMetadata = new SourceMetadata { Writer = "scratch" } });
        Flush();
    }

    /// <summary>Scalars of one step in one event; NaN values (not measured this step) are left out.</summary>
    public void Scalars(long step, params ReadOnlySpan<(string Tag, double Value)> values)
    {
        var summary = new Summary();
        foreach (var (tag, value) in values)
            if (!double.IsNaN(value)) summary.Value.Add(new Summary.Types.Value { Tag = tag, SimpleValue = (float)value });
        if (summary.Value.Count > 0) WriteSummary(step, summary);
    }

    public void Scalar(string tag, long step, double value) => Scalars(step, (tag, value));

    /// <summary>An encoded image (PNG) of channels 1 (grey), 3 (RGB) or 4 (RGBA).</summary>
    public void Image(string tag, long step, byte[] png, int width, int height, int channels)
    {
        var image = new Summary.Types.Image { Width = width, Height = height, Colorspace = channels, EncodedImageString = ByteString.CopyFrom(png) };
        WriteSummary(step, new Summary { Value = { new Summary.Types.Value { Tag = tag, Image = image } } });
    }

    public void Histogram(string tag, long step, ReadOnlySpan<float> values) => Histogram(tag, step, HistogramData.Of(values));

    public void Histogram(string tag, long step, HistogramData h)
    {
        var proto = new HistogramProto { Min = h.Min, Max = h.Max, Num = h.Count, Sum = h.Sum, SumSquares = h.SumSquares };
        proto.BucketLimit.AddRange(h.BucketLimits);
        proto.Bucket.AddRange(h.BucketCounts);
        WriteSummary(step, new Summary { Value = { new Summary.Types.Value { Tag = tag, Histo = proto } } });
    }

    /// <summary>
    /// A text (TensorBoard renders it as Markdown): a string tensor marked for the text plugin. The
    /// plugin's name goes with a tag's first value only, as TensorBoard's own writers do.
    /// </summary>
    public void Text(string tag, long step, string text)
    {
        var tensor = new TensorProto { Dtype = DataType.DtString, TensorShape = new TensorShapeProto() };
        tensor.StringVal.Add(ByteString.CopyFrom(text, Encoding.UTF8));
        var value = new Summary.Types.Value { Tag = tag, Tensor = tensor };
        if (_described.Add(tag)) value.Metadata = new SummaryMetadata { PluginData = new SummaryMetadata.Types.PluginData { PluginName = "text" } };
        WriteSummary(step, new Summary { Value = { value } });
    }

    /// <summary>
    /// Hands the buffered records to the operating system, so a reader sees them (no fsync: a reader, not a power cut, is the concern).
    /// </summary>
    public void Flush() => _file.Flush();

    public void Dispose()
    {
        _file.Flush();
        _file.Dispose();
    }

    void WriteSummary(long step, Summary summary) => Write(new Event { WallTime = _clock(), Step = step, Summary = summary });

    void Write(Event e)
    {
        _record.SetLength(0);   // one reused buffer: serialising an event allocates nothing but the message itself
        e.WriteTo(_record);
        var payload = _record.GetBuffer().AsSpan(0, (int)_record.Length);
        TfRecord.Write(_file, payload);
    }
}
