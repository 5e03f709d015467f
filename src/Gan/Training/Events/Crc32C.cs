using System.Buffers.Binary;
using System.Numerics;

namespace Scratch.Gan.Training.Events;

/// <summary>
/// CRC-32C (Castagnoli), the checksum of TFRecord framing, computed with the processor's crc32
/// instruction through <see cref="BitOperations.Crc32C(uint, ulong)"/>. That method is the bare
/// polynomial step; the standard CRC starts from all ones and inverts the result, done here.
/// </summary>
public static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = ~0u;
        int i = 0;
        for (; i + 8 <= data.Length; i += 8) crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        for (; i < data.Length; i++) crc = BitOperations.Crc32C(crc, data[i]);
        return ~crc;
    }

    /// <summary>
    /// The CRC as a record stores it: rotated right by 15 bits and offset by a constant, because a CRC
    /// over data that itself holds CRCs (a record of records) is weak.
    /// </summary>
    public static uint Mask(uint crc) => ((crc >> 15) | (crc << 17)) + 0xA282EAD8u;

    public static uint Masked(ReadOnlySpan<byte> data) => Mask(Compute(data));
}
