#!/usr/bin/env python3
"""Draws the demo catalog's product photos and the image tests' fixtures.

Nothing here runs in `make run` or `make test`: its outputs are committed. It is kept so that
anyone can see how every picture in the repository was made, and make them again:

    python3 scripts/make-photos.py      # needs cjpeg (libjpeg-turbo-progs) and cwebp (webp)

The demo photos are drawn from spheres and ellipsoids with a light, a shadow and a little grain:
made by this project, Apache-2.0 like the rest of it (functions/data/photos/LICENSE.md).
"""

import math
import os
import random
import struct
import subprocess
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PHOTOS = os.path.join(ROOT, "functions", "data", "photos")
FIXTURES = os.path.join(ROOT, "functions", "tests", "fixtures", "photos")

LIGHT = (-0.45, -0.6, 0.66)
_n = math.sqrt(sum(c * c for c in LIGHT))
LIGHT = tuple(c / _n for c in LIGHT)


def backdrop(w, h):
    """A warm paper backdrop over a wooden-ish table edge."""
    px = []
    table = int(h * 0.68)
    for y in range(h):
        row = []
        for x in range(w):
            if y < table:
                t = y / table
                c = (246 - 14 * t, 241 - 16 * t, 232 - 20 * t)
            else:
                t = (y - table) / (h - table)
                wave = 6 * math.sin(x / 23.0 + y / 7.0)
                c = (214 - 30 * t + wave, 180 - 28 * t + wave, 140 - 26 * t + wave)
            row.append(list(c))
        px.append(row)
    return px


def shadow(px, cx, cy, rx, ry):
    h, w = len(px), len(px[0])
    for y in range(max(0, int(cy - ry)), min(h, int(cy + ry) + 1)):
        for x in range(max(0, int(cx - rx)), min(w, int(cx + rx) + 1)):
            d = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2
            if d < 1:
                k = 1 - 0.35 * (1 - d)
                px[y][x] = [c * k for c in px[y][x]]


def blob(px, zbuf, cx, cy, rx, ry, color, shine=0.5, dimple=0.0, rng=None):
    """An ellipsoid lit from the upper left, drawn where it is nearer than what is there."""
    h, w = len(px), len(px[0])
    for y in range(max(0, int(cy - ry)), min(h, int(cy + ry) + 1)):
        for x in range(max(0, int(cx - rx)), min(w, int(cx + rx) + 1)):
            nx, ny = (x - cx) / rx, (y - cy) / ry
            d = nx * nx + ny * ny
            if d >= 1:
                continue
            nz = math.sqrt(1 - d)
            z = cy + nz * ry
            if z <= zbuf[y][x]:
                continue
            zbuf[y][x] = z
            if dimple and rng:
                nx += rng.uniform(-dimple, dimple)
                ny += rng.uniform(-dimple, dimple)
            diffuse = max(0.0, nx * LIGHT[0] + ny * LIGHT[1] + nz * LIGHT[2])
            # Reflection of the light about the normal, seen from the front (0, 0, 1).
            rz = 2 * diffuse * nz - LIGHT[2]
            spec = max(0.0, rz) ** 40 * shine
            edge = 0.55 + 0.45 * nz
            px[y][x] = [
                min(255.0, c * (0.22 + 0.78 * diffuse) * edge + 255 * spec) for c in color
            ]


def leaf(px, zbuf, cx, cy, length, angle, color=(70, 130, 40)):
    dx, dy = math.cos(angle), math.sin(angle)
    for i in range(int(length)):
        t = i / length
        width = math.sin(math.pi * t) * length * 0.28
        bx, by = cx + dx * i, cy + dy * i
        blob(px, zbuf, bx, by, max(1.5, width * 0.6), max(1.5, width * 0.6), color, shine=0.2)


def grain(px, rng, amount=5):
    for row in px:
        for c in row:
            n = rng.uniform(-amount, amount)
            c[0] += n
            c[1] += n
            c[2] += n


def to_bytes(px):
    out = bytearray()
    for row in px:
        for c in row:
            out.extend(max(0, min(255, int(v))) for v in c)
    return bytes(out)


def write_ppm(path, px):
    h, w = len(px), len(px[0])
    with open(path, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (w, h))
        f.write(to_bytes(px))


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def write_png(path, w, h, rows, color_type, bit_depth=8):
    raw = b"".join(b"\x00" + r for r in rows)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0, 0)))
        f.write(png_chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(png_chunk(b"IEND", b""))


def scene(w, h, seed, draw):
    rng = random.Random(seed)
    px = backdrop(w, h)
    zbuf = [[-1e9] * w for _ in range(h)]
    draw(px, zbuf, rng)
    grain(px, rng)
    return px


def apples(px, zbuf, rng):
    for cx, cy, r in [(230, 300, 120), (420, 310, 115), (325, 225, 110)]:
        shadow(px, cx + 20, cy + r * 0.85, r * 1.05, r * 0.22)
    for cx, cy, r in [(325, 225, 110), (230, 300, 120), (420, 310, 115)]:
        blob(px, zbuf, cx, cy, r, r * 0.95, (190, 32, 38), shine=0.6, dimple=0.01, rng=rng)
        blob(px, zbuf, cx - 5, cy - r * 0.86, 5, 18, (90, 60, 30), shine=0.1)
        leaf(px, zbuf, cx, cy - r * 0.9, 40, -0.5)


def oranges(px, zbuf, rng):
    for cx, cy, r in [(220, 310, 115), (430, 300, 120), (330, 230, 105)]:
        shadow(px, cx + 20, cy + r * 0.85, r * 1.05, r * 0.22)
        blob(px, zbuf, cx, cy, r, r, (240, 140, 20), shine=0.35, dimple=0.06, rng=rng)


def tomatoes(px, zbuf, rng):
    spots = [(200, 320, 85), (330, 300, 95), (460, 320, 85), (265, 230, 80), (400, 225, 80)]
    for cx, cy, r in spots:
        shadow(px, cx + 15, cy + r * 0.85, r, r * 0.2)
    for cx, cy, r in sorted(spots, key=lambda s: s[1]):
        blob(px, zbuf, cx, cy, r, r * 0.9, (215, 40, 30), shine=0.8, rng=rng)
        for a in range(5):
            leaf(px, zbuf, cx, cy - r * 0.8, 26, a * 2 * math.pi / 5, (60, 120, 40))


def blueberries(px, zbuf, rng):
    berries = [(rng.uniform(120, 520), rng.uniform(180, 360), rng.uniform(26, 34)) for _ in range(38)]
    for cx, cy, r in berries:
        shadow(px, cx + 6, cy + r * 0.8, r, r * 0.25)
    for cx, cy, r in sorted(berries, key=lambda b: b[1]):
        blob(px, zbuf, cx, cy, r, r * 0.92, (52, 62, 120), shine=0.25, rng=rng)
        blob(px, zbuf, cx, cy - r * 0.8, r * 0.22, r * 0.12, (30, 30, 50), shine=0.0)


def potatoes(px, zbuf, rng):
    spots = [(210, 320, 130, 80), (420, 330, 120, 78), (320, 250, 125, 82)]
    for cx, cy, rx, ry in spots:
        shadow(px, cx + 20, cy + ry * 0.9, rx, ry * 0.3)
    for cx, cy, rx, ry in sorted(spots, key=lambda s: s[1]):
        blob(px, zbuf, cx, cy, rx, ry, (196, 156, 98), shine=0.05, dimple=0.09, rng=rng)


def avocado(px, zbuf, rng):
    shadow(px, 340, 405, 150, 30)
    blob(px, zbuf, 330, 300, 105, 120, (52, 72, 36), shine=0.4, dimple=0.07, rng=rng)
    blob(px, zbuf, 330, 205, 75, 80, (52, 72, 36), shine=0.4, dimple=0.07, rng=rng)
    blob(px, zbuf, 330, 128, 6, 14, (80, 60, 30), shine=0.1)


DEMO = {
    "APL-001": apples,
    "ORG-001": oranges,
    "TOM-001": tomatoes,
    "BLU-001": blueberries,
    "POT-001": potatoes,
    "AVO-001": avocado,
}


def exif_segment():
    """An APP1 Exif segment: Orientation 6 (rotate 90° clockwise to view) and a GPS position."""
    le = "<"
    gps_at = 8 + 2 + 2 * 12 + 4
    data_at = gps_at + 2 + 2 * 12 + 4
    ifd0 = struct.pack(le + "H", 2)
    ifd0 += struct.pack(le + "HHII", 0x0112, 3, 1, 6)
    ifd0 += struct.pack(le + "HHII", 0x8825, 4, 1, gps_at)
    ifd0 += struct.pack(le + "I", 0)
    gps = struct.pack(le + "H", 2)
    gps += struct.pack(le + "HHI", 0x0001, 2, 2) + b"N\x00\x00\x00"
    gps += struct.pack(le + "HHII", 0x0002, 5, 3, data_at)
    gps += struct.pack(le + "I", 0)
    rationals = struct.pack(le + "IIIIII", 52, 1, 22, 1, 1234, 100)
    tiff = b"II*\x00" + struct.pack(le + "I", 8) + ifd0 + gps + rationals
    body = b"Exif\x00\x00" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body


def fixtures():
    os.makedirs(FIXTURES, exist_ok=True)
    # A 64 × 32 photo: red left half, blue right half (orientation tests can tell them apart).
    w, h = 64, 32
    px = [[[220, 30, 30] if x < w // 2 else [30, 30, 220] for x in range(w)] for _ in range(h)]
    ppm = os.path.join(FIXTURES, "photo.ppm")
    write_ppm(ppm, px)
    jpg = os.path.join(FIXTURES, "photo.jpg")
    subprocess.run(["cjpeg", "-quality", "90", "-outfile", jpg, ppm], check=True)
    with open(jpg, "rb") as f:
        plain = f.read()
    with open(os.path.join(FIXTURES, "sideways-with-gps.jpg"), "wb") as f:
        f.write(plain[:2] + exif_segment() + plain[2:])
    # A transparent PNG: an opaque green square in a clear frame.
    rows = []
    for y in range(h):
        row = bytearray()
        for x in range(w):
            inside = 8 <= x < w - 8 and 8 <= y < h - 8
            row.extend((20, 160, 60, 255) if inside else (0, 0, 0, 0))
        rows.append(bytes(row))
    png = os.path.join(FIXTURES, "photo.png")
    write_png(png, w, h, rows, color_type=6)
    subprocess.run(["cwebp", "-quiet", "-q", "80", ppm, "-o", os.path.join(FIXTURES, "photo.webp")], check=True)
    os.remove(ppm)
    # A decompression bomb: 20,000 × 20,000 one-bit pixels, all zero, in about 50 KB.
    side = 20_000
    row = b"\x00" * (side // 8)
    raw = zlib.compress((b"\x00" + row) * side, 9)
    with open(os.path.join(FIXTURES, "bomb-20000x20000.png"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(png_chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)))
        f.write(png_chunk(b"IDAT", raw))
        f.write(png_chunk(b"IEND", b""))


def demo_photos():
    os.makedirs(PHOTOS, exist_ok=True)
    for sku, draw in DEMO.items():
        px = scene(640, 480, sku, draw)
        ppm = os.path.join(PHOTOS, sku + ".ppm")
        write_ppm(ppm, px)
        out = os.path.join(PHOTOS, sku + ".jpg")
        subprocess.run(["cjpeg", "-quality", "84", "-optimize", "-outfile", out, ppm], check=True)
        os.remove(ppm)
        print(out, os.path.getsize(out))


if __name__ == "__main__":
    fixtures()
    demo_photos()
