using System.Buffers.Binary;

namespace Scratch.Gan.Training.Events;

/// <summary>What <see cref="TfRecord.TryRead"/> found at an offset.</summary>
public enum RecordStatus
{
    /// <summary>A whole record whose two CRCs match.</summary>
    Whole,
    /// <summary>The bytes end inside the record: a writer is still writing it (or stopped mid-write). Read it again later.</summary>
    Torn,
    /// <summary>The length's CRC does not match: the bytes here are not a record's start.</summary>
    BadLengthCrc,
    /// <summary>The payload's CRC does not match: the payload was damaged.</summary>
    BadPayloadCrc,
}

/// <summary>
/// TFRecord framing, the container of a TensorBoard event file: each record is
/// <c>uint64 length | uint32 masked CRC-32C of length | payload | uint32 masked CRC-32C of payload</c>,
/// all little-endian. A file is records back to back, with no header and no index, so a writer
/// only ever appends and a reader can stop at any record boundary and continue from it later.
/// </summary>
public static class TfRecord
{
    /// <summary>Bytes a record adds around its payload: length 8, two CRCs 4 each.</summary>
    public const int Overhead = 16;

    public static void Write(Stream to, ReadOnlySpan<byte> payload)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Crc32C.Masked(header[..8]));
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, Crc32C.Masked(payload));
        to.Write(header);
        to.Write(payload);
        to.Write(footer);
    }

    /// <summary>
    /// The record at the start of bytes: its status and, when whole, its payload and its size in bytes
    /// (payload plus <see cref="Overhead"/>). Checks both CRCs.
    /// </summary>
    public static RecordStatus TryRead(ReadOnlySpan<byte> bytes, out ReadOnlySpan<byte> payload, out long size)
    {
        payload = default;
        size = 0;
        if (bytes.Length < 12) return RecordStatus.Torn;
        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]) != Crc32C.Masked(bytes[..8])) return RecordStatus.BadLengthCrc;
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (bytes.Length < Overhead || length > (ulong)(bytes.Length - Overhead)) return RecordStatus.Torn;
        payload = bytes.Slice(12, (int)length);
        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes[(12 + (int)length)..]) != Crc32C.Masked(payload)) return RecordStatus.BadPayloadCrc;
        size = (long)length + Overhead;
        return RecordStatus.Whole;
    }
}
