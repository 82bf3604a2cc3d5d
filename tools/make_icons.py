#!/usr/bin/env python3
"""Draws the app icon (a white cross of care on a rounded blue square) as RGBA
PNGs in icons/. Standard library only, so it runs on a fresh machine."""
import struct, zlib, os, sys

def png(size):
    blue, white = (0, 84, 166, 255), (255, 255, 255, 255)
    r = size * 0.18
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            # rounded square mask
            cx = min(max(x + 0.5, r), size - r); cy = min(max(y + 0.5, r), size - r)
            inside = (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= r * r
            if not inside:
                row += bytes((0, 0, 0, 0)); continue
            u, v = (x + 0.5) / size, (y + 0.5) / size
            cross = (0.40 <= u <= 0.60 and 0.22 <= v <= 0.78) or (0.22 <= u <= 0.78 and 0.40 <= v <= 0.60)
            row += bytes(white if cross else blue)
        rows.append(bytes(row))
    raw = b"".join(rows)
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "icons")
os.makedirs(out, exist_ok=True)
for name, size in (("32x32.png", 32), ("128x128.png", 128), ("128x128@2x.png", 256), ("icon.png", 512)):
    with open(os.path.join(out, name), "wb") as f:
        f.write(png(size))
