using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scratch.Tensors;

namespace Scratch.Layers;

/// <summary>
/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
/// {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}, then the
/// raw little-endian bytes of every tensor, back to back. Python's safetensors reads these files.
/// Writes go through <see cref="AtomicFile"/>, so a crash mid-write never leaves a truncated
/// checkpoint where a good one was.
/// </summary>
public static class SafeTensors
{
    public static void Save(string path, IEnumerable<(string Name, NDArray Value)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (k, v) in metadata) meta[k] = v;
            header["__metadata__"] = meta;
        }
        long offset = 0;
        foreach (var (name, v) in list)
        {
            if (header.ContainsKey(name)) throw new ArgumentException($"safetensors: duplicate tensor name '{name}'");
            long bytes = (long)v.Numel * v.DType.Size();
            header[name] = new JsonObject
            {
                ["dtype"] = v.DType == DType.Float32 ? "F32" : "F64",
                ["shape"] = new JsonArray(v.Shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (json.Length + 7) / 8 * 8;   // the format pads the header with spaces to 8 bytes

        AtomicFile.Write(path, f =>
        {
            Span<byte> len = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)padded);
            f.Write(len);
            f.Write(json);
            for (int i = json.Length; i < padded; i++) f.WriteByte((byte)' ');
            foreach (var (_, v) in list)
            {
                if (v.DType == DType.Float32) f.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(v.ToArray<float>().AsSpan()));
                else f.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(v.ToArray<double>().AsSpan()));
            }
        }, "checkpoint.safetensors");
    }

    /// <summary>Reads every tensor (onto the CPU) and the metadata; a file that is not safetensors gives a one-line reason.</summary>
    public static (Dictionary<string, NDArray> Tensors, Dictionary<string, string> Metadata) Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint '{path}' does not exist");
        return Load(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses safetensors bytes already in memory (an embedded resource); <paramref name="path"/> names them in errors.</summary>
    public static (Dictionary<string, NDArray> Tensors, Dictionary<string, string> Metadata) Load(byte[] bytes, string path)
    {
        string Bad(string why) => $"'{path}' is not a valid checkpoint: {why}";
        if (bytes.Length < 8) throw new InvalidDataException(Bad("too short"));
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (n > (ulong)bytes.Length - 8) throw new InvalidDataException(Bad("header length exceeds the file"));
        JsonObject header;
        try { header = JsonNode.Parse(Encoding.UTF8.GetString(bytes, 8, (int)n))!.AsObject(); }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        { throw new InvalidDataException(Bad("header is not JSON")); }
        long dataStart = 8 + (long)n;
        var tensors = new Dictionary<string, NDArray>();
        var meta = new Dictionary<string, string>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__")
            {
                foreach (var (k, v) in node!.AsObject()) meta[k] = v!.GetValue<string>();
                continue;
            }
            try
            {
                var o = node!.AsObject();
                var dtype = o["dtype"]!.GetValue<string>() switch
                {
                    "F32" => DType.Float32, "F64" => DType.Float64,
                    var d => throw new InvalidDataException(Bad($"tensor '{name}' has dtype {d}, which Scratch does not use")),
                };
                var shape = o["shape"]!.AsArray().Select(x => x!.GetValue<int>()).ToArray();
                var offs = o["data_offsets"]!.AsArray().Select(x => x!.GetValue<long>()).ToArray();
                long count = (long)Shape.Numel(shape) * dtype.Size();
                if (offs.Length != 2 || offs[1] - offs[0] != count || dataStart + offs[1] > bytes.Length || offs[0] < 0)
                    throw new InvalidDataException(Bad($"tensor '{name}' has offsets that do not fit its shape or the file"));
                var span = bytes.AsSpan((int)(dataStart + offs[0]), (int)count);
                tensors[name] = dtype == DType.Float32
                    ? NDArray.From(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(span).ToArray(), shape, Device.Cpu)
                    : NDArray.From(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(span).ToArray(), shape, Device.Cpu);
            }
            catch (Exception e) when (e is NullReferenceException or InvalidOperationException or FormatException or ArgumentException)
            {
                throw new InvalidDataException(Bad($"tensor '{name}' has a malformed entry"));
            }
        }
        return (tensors, meta);
    }
}

/// <summary>Saving and loading a module's state dict.</summary>
public static class Checkpoint
{
    public static void Save(Module m, string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafeTensors.Save(path, m.StateDict().Select(p => (p.Name, p.Tensor.Data)), metadata);

    public static void Load(Module m, string path) => m.LoadStateDict(SafeTensors.Load(path).Tensors);
}
