# SPDX-License-Identifier: GPL-2.0
"""Decode a PNG enough to know it is one: signature, chunk CRCs, IHDR,
the IDAT stream inflates to exactly height rows of the right width."""

import struct
import zlib

SIG = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def check_bytes(data):
    """(width, height), or ValueError."""
    if not data.startswith(SIG):
        raise ValueError("no PNG signature")
    pos, ihdr, idat, end = len(SIG), None, b"", False
    while pos < len(data):
        if pos + 8 > len(data):
            raise ValueError("truncated chunk header")
        n, typ = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        crc = data[pos + 8 + n:pos + 12 + n]
        if len(body) != n or len(crc) != 4:
            raise ValueError("truncated %s chunk" % typ)
        if struct.unpack(">I", crc)[0] != zlib.crc32(typ + body):
            raise ValueError("bad CRC in %s" % typ)
        if typ == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif typ == b"IDAT":
            idat += body
        elif typ == b"IEND":
            end = True
            break
        pos += 12 + n
    if not ihdr or not end:
        raise ValueError("no IHDR or IEND")
    w, h, depth, ctype = ihdr[:4]
    if ihdr[6]:
        raise ValueError("interlaced PNG not checked")
    row = 1 + (w * CHANNELS[ctype] * depth + 7) // 8
    raw = zlib.decompress(idat)
    if len(raw) != row * h:
        raise ValueError("pixel data is %d bytes, expected %d" % (len(raw), row * h))
    return w, h


def check_file(path):
    with open(path, "rb") as f:
        return check_bytes(f.read())
