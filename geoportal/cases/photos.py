"""Photos attached to a report: metadata removed before they are stored, structure checked.

A phone photo carries EXIF (the GPS position of the camera, its serial number, the time),
XMP and comments: personal data nobody asked for. They are removed by walking the file's
own structure — JPEG segments, PNG chunks — without decoding a pixel, so no native image
decoder ever sees an applicant's bytes in the web process (bad-input reference: uploads).

Kept: what draws the picture (JPEG: JFIF APP0, the ICC profile in APP2, Adobe's APP14 that
tells the colour transform, tables, frames, scans; PNG: the critical chunks and the
colour and transparency ones). Removed: every other application segment (APP1 EXIF and
XMP, APP13 IPTC, …) and comments; PNG text, time and eXIf chunks, and anything unknown.
The EXIF orientation goes with the rest, so a photo taken sideways shows sideways.

A file whose structure does not hold (truncated, a bad PNG CRC, no end marker, absurd
dimensions) is refused as damaged; bytes after the end marker are dropped.
"""

from __future__ import annotations

import struct
import zlib

MAX_SIDE_PX = 12_000  # a photo larger than this on a side is not a phone's
_JPEG_KEEP_APP = {0xE0, 0xE2, 0xEE}  # JFIF, ICC profile, Adobe colour transform
_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_KEEP = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB",
             b"iCCP", b"sBIT", b"bKGD", b"pHYs"}  # fmt: skip


class DamagedImage(ValueError):
    """The file says it is a JPEG or PNG, but its structure does not hold."""


def without_metadata(content: bytes, media_type: str) -> bytes:
    """``content`` with its metadata removed (see the module's notes); :class:`DamagedImage`."""
    if media_type == "image/jpeg":
        return _jpeg(content)
    if media_type == "image/png":
        return _png(content)
    raise ValueError(f"not an image type: {media_type}")


def _jpeg(content: bytes) -> bytes:
    if not content.startswith(b"\xff\xd8"):
        raise DamagedImage("no JPEG start marker")
    out, position, sized = bytearray(b"\xff\xd8"), 2, False
    while True:
        if position + 4 > len(content) or content[position] != 0xFF:
            raise DamagedImage("a JPEG segment is cut or misplaced")
        marker = content[position + 1]
        if marker == 0xFF:  # fill byte before a marker
            position += 1
            continue
        (length,) = struct.unpack(">H", content[position + 2 : position + 4])
        end = position + 2 + length
        if length < 2 or end > len(content):
            raise DamagedImage("a JPEG segment runs past the end")
        if marker in _JPEG_SOF:
            if length < 8:
                raise DamagedImage("a JPEG frame header is cut")
            _check_size(*reversed(struct.unpack(">HH", content[position + 5 : position + 9])))
            sized = True
        if marker == 0xDA:  # start of scan: the picture itself, to the end marker
            finish = content.rfind(b"\xff\xd9")
            if not sized or finish < end:
                raise DamagedImage("a JPEG without a frame or an end marker")
            return bytes(out + content[position : finish + 2])
        if not (0xE0 <= marker <= 0xEF and marker not in _JPEG_KEEP_APP) and marker != 0xFE:
            out += content[position:end]
        position = end


def _png(content: bytes) -> bytes:
    if not content.startswith(_PNG_SIGNATURE):
        raise DamagedImage("no PNG signature")
    out, position, first = bytearray(_PNG_SIGNATURE), len(_PNG_SIGNATURE), True
    while position + 12 <= len(content):
        length, kind = struct.unpack(">I4s", content[position : position + 8])
        end = position + 12 + length
        if end > len(content):
            raise DamagedImage("a PNG chunk runs past the end")
        data = content[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", content[end - 4 : end])
        if zlib.crc32(kind + data) != crc:
            raise DamagedImage(f"PNG chunk {kind!r} fails its CRC")
        if first != (kind == b"IHDR"):
            raise DamagedImage("a PNG must begin with IHDR")
        if first:
            if length != 13:
                raise DamagedImage("a PNG header is not 13 bytes")
            _check_size(*struct.unpack(">II", data[:8]))
            first = False
        if kind in _PNG_KEEP:
            out += content[position:end]
        if kind == b"IEND":
            return bytes(out)
        position = end
    raise DamagedImage("a PNG without IEND")


def _check_size(width: int, height: int) -> None:
    if not (0 < width <= MAX_SIDE_PX and 0 < height <= MAX_SIDE_PX):
        raise DamagedImage(f"image of {width}×{height} px")
