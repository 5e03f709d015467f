#!/usr/bin/env python3
"""Writes the first N embedded MNIST digits as 64x64 greyscale PNGs: an image folder for
`scratch train --data DIR` (docs/gans.md, the 64x64 path). Standard library only (no PIL).

usage: python3 docs/scripts/mnist_to_pngs.py OUT_DIR [N] [SIZE]
"""
import gzip, os, struct, sys, zlib

src = os.path.join(os.path.dirname(__file__), "..", "..", "src", "Gan", "Data", "mnist-10k", "train-images-idx3-ubyte.gz")
out, n, size = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3200, int(sys.argv[3]) if len(sys.argv) > 3 else 64
data = gzip.open(src).read()
magic, count, rows, cols = struct.unpack(">IIII", data[:16])
assert magic == 0x803, "not an IDX image file"

def resize(px):
    """Bilinear with half-pixel centres (PyTorch's align_corners=False), as Scratch's own Resize."""
    res = bytearray(size * size)
    s = rows / size
    for y in range(size):
        fy = max(0.0, (y + 0.5) * s - 0.5); y0 = min(int(fy), rows - 1); y1 = min(y0 + 1, rows - 1); wy = fy - y0
        for x in range(size):
            fx = max(0.0, (x + 0.5) * s - 0.5); x0 = min(int(fx), cols - 1); x1 = min(x0 + 1, cols - 1); wx = fx - x0
            v = (1 - wy) * ((1 - wx) * px[y0 * cols + x0] + wx * px[y0 * cols + x1]) + wy * ((1 - wx) * px[y1 * cols + x0] + wx * px[y1 * cols + x1])
            res[y * size + x] = min(255, int(v + 0.5))
    return bytes(res)

def png(grey):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    raw = b"".join(b"\0" + grey[y * size:(y + 1) * size] for y in range(size))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")

os.makedirs(out, exist_ok=True)
for i in range(min(n, count)):
    px = data[16 + i * rows * cols:16 + (i + 1) * rows * cols]
    with open(os.path.join(out, f"digit-{i:05d}.png"), "wb") as f:
        f.write(png(resize(px)))
print(f"wrote {min(n, count)} {size}x{size} PNGs to {out}")
