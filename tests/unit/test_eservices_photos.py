"""Removing photo metadata without decoding: what stays, what goes, what is refused.

Photos are made with Pillow and read back with Pillow (an independent decoder): the
pixels must be the same, the metadata gone. Mangled files must end as DamagedImage,
never as another exception (a 500) or as a file stored half-checked.
"""

from __future__ import annotations

import io
import random

import pytest
from PIL import Image, PngImagePlugin

from geoportal.cases.photos import MAX_SIDE_PX, DamagedImage, without_metadata

SECRET = b"GPS-52.123-19.456-serial-XYZ"


def _jpeg(progressive: bool = False) -> bytes:
    image = Image.new("RGB", (40, 30))
    image.putdata([(x * 6, y * 8, 120) for y in range(30) for x in range(40)])
    exif = Image.Exif()
    exif[0x010F] = SECRET.decode()
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=SECRET, progressive=progressive,
               icc_profile=b"\0" * 128)  # fmt: skip
    return out.getvalue()


def _png() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("GPS", SECRET.decode())
    info.add_text("Comment", SECRET.decode(), zip=True)
    out = io.BytesIO()
    Image.new("P", (12, 9), 3).save(out, "PNG", pnginfo=info, transparency=3, dpi=(300, 300))
    return out.getvalue()


@pytest.mark.parametrize("progressive", [False, True])
def test_a_jpeg_keeps_its_pixels_and_icc_profile_and_loses_exif_and_comments(progressive):
    original = _jpeg(progressive)
    cleaned = without_metadata(original, "image/jpeg")
    assert SECRET not in cleaned and SECRET in original
    before, after = Image.open(io.BytesIO(original)), Image.open(io.BytesIO(cleaned))
    assert after.tobytes() == before.tobytes()
    assert "exif" not in after.info and "comment" not in after.info
    assert after.info.get("icc_profile") == before.info.get("icc_profile")
    assert without_metadata(cleaned, "image/jpeg") == cleaned  # nothing more to remove


def test_a_png_keeps_pixels_transparency_and_density_and_loses_text():
    original = _png()
    cleaned = without_metadata(original, "image/png")
    assert SECRET not in cleaned and b"zTXt" not in cleaned and b"tEXt" not in cleaned
    before, after = Image.open(io.BytesIO(original)), Image.open(io.BytesIO(cleaned))
    assert after.tobytes() == before.tobytes() and after.getpalette() == before.getpalette()
    assert after.info["transparency"] == before.info["transparency"]
    assert round(after.info["dpi"][0]) == 300


def test_bytes_after_the_end_marker_are_dropped():
    jpeg, png = _jpeg(), _png()
    assert without_metadata(jpeg + SECRET, "image/jpeg") == without_metadata(jpeg, "image/jpeg")
    assert SECRET not in without_metadata(png + SECRET, "image/png")


def test_absurd_dimensions_are_refused():
    out = io.BytesIO()
    Image.new("L", (1, 1)).save(out, "PNG")
    data = bytearray(out.getvalue())
    data[16:20] = (MAX_SIDE_PX + 1).to_bytes(4, "big")  # IHDR width; the CRC is now wrong
    with pytest.raises(DamagedImage):
        without_metadata(bytes(data), "image/png")


@pytest.mark.parametrize("kind", ["image/jpeg", "image/png"])
def test_mangled_files_end_as_damaged_images_and_nothing_else(kind):
    original = _jpeg() if kind == "image/jpeg" else _png()
    rng = random.Random(20261201)  # fixed seed: the same 400 files every run
    for _ in range(200):
        cut = original[: rng.randrange(0, len(original))]
        flipped = bytearray(original)
        for _ in range(rng.randrange(1, 6)):
            flipped[rng.randrange(2, len(flipped))] = rng.randrange(256)
        for sample in (cut, bytes(flipped)):
            try:
                without_metadata(sample, kind)
            except DamagedImage:
                pass
