"""The text encoding of a shapefile's DBF, decided from its bytes.

Polish county shapefiles come in CP1250 (written on Windows, often without a ``.cpg``),
in UTF-8 (newer software), and now and then in CP852 or ISO-8859-2 from old systems. The
two hints a DBF carries, the ``.cpg`` sidecar and the language driver id (LDID, byte 29
of the header), are often wrong: ArcGIS writes LDID 0x57 ("ANSI") whatever it wrote,
converters copy a ``.cpg`` and then re-encode the table. Read with the wrong encoding, a
parcel in "Łódź" becomes "£ód¿" in the database, and nobody notices until a citizen does.

So the bytes decide, and the hints only break ties:

* valid UTF-8 with non-ASCII text (and no sign of double encoding) is UTF-8: random
  single-byte Polish text is practically never valid UTF-8;
* otherwise a single-byte encoding is accepted only if the text it decodes to looks like
  Polish: Polish letters present, every other non-ASCII character a plausible one
  (typographic quotes, dashes, a few Central European letters), and no control bytes.
  This is what tells CP1250 from ISO-8859-2 (``ą`` would read as ``±``) and from CP852
  (``ł`` is undefined in CP1250, ``ó`` reads as ``˘``);
* pure ASCII is the same in all of them;
* a hint that contradicts the bytes is overruled and recorded as a finding;
* anything else is refused: better to ask (``--encoding``) than to store mojibake.

Every character field of every record is scanned, not a sample: a file whose first
100 000 rows are ASCII may carry its first ``ł`` in row 100 001. The scan streams the
file in blocks of whole records, so memory does not grow with it.
"""

from __future__ import annotations

import codecs
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from etl.readers.base import Findings, InputError

POLISH = frozenset("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
# Non-ASCII characters that may stand beside Polish letters in real attribute data. Kept
# short on purpose: every character added here is one more way for a wrong code page to
# pass (« is CP852's ź read as CP1250, ± is ISO-8859-2's ą, ľ is CP852's ż).
TYPOGRAPHY = frozenset("„”“‘’–—…°§×\u00a0")
FOREIGN_LETTERS = frozenset("áéíúýüöäčřšžßÁÉÍÚÝÜÖÄČŘŠŽ")
ALLOWED_CONTROLS = frozenset(b"\x00\t\n\r")  # NUL pads fields in some writers
# UTF-8 read through a single-byte code page and saved as UTF-8 again: "Å‚" for ł (via
# Latin-1/CP1252), "Ĺ‚" for ł (via CP1250), "Ä…" for ą.
DOUBLE_ENCODED = re.compile("[ÃÂÄÅĂĹ][\u0080-\u02ff\u2010-\u203a]")

BLOCK_BYTES = 4 << 20
_HEADER = struct.Struct("<B3BIHH")  # version, YMD, records, header length, record length
_FIELD = 32
LDID_CODECS: dict[int, str | None] = {
    0x00: None,  # not set
    0x01: "cp437",
    0x02: "cp850",
    0x03: "cp1252",
    0x57: None,  # "ANSI": the writer's Windows code page, i.e. unknown (CP1250 in Poland)
    0x64: "cp852",
    0x65: "cp866",
    0xC8: "cp1250",
    0xC9: "cp1251",
}
_CPG_ALIASES = {
    "UTF8": "utf-8", "65001": "utf-8", "1250": "cp1250", "ANSI1250": "cp1250",
    "WINDOWS1250": "cp1250", "852": "cp852", "OEM852": "cp852", "IBM852": "cp852",
    "88592": "iso8859-2", "ISO88592": "iso8859-2", "1252": "cp1252",
}  # fmt: skip


@dataclass(frozen=True)
class DbfField:
    name: bytes
    kind: str  # dBASE type letter: C character, N numeric, D date, ...
    offset: int  # within the record, after the deletion flag
    length: int


@dataclass(frozen=True)
class DbfHeader:
    records: int
    header_length: int
    record_length: int
    ldid: int
    fields: tuple[DbfField, ...]

    @property
    def text_fields(self) -> tuple[DbfField, ...]:
        return tuple(f for f in self.fields if f.kind == "C")


@dataclass(frozen=True)
class Hint:
    """What a ``.cpg`` or an LDID claims; ``codec`` None for a claim that names no code page."""

    source: str  # ".cpg 'UTF-8'", "LDID 0x57"
    codec: str | None


@dataclass(frozen=True)
class TextEncoding:
    """The decision: a Python codec name and why it was chosen."""

    codec: str
    reason: str

    @property
    def gdal(self) -> str:
        """The name GDAL (iconv) knows it by, for ``pyogrio.read(encoding=…)``."""
        return {"iso8859-2": "ISO-8859-2"}.get(self.codec, self.codec.upper())


@dataclass
class TextSample:
    """What the scan of the character fields found."""

    histogram: np.ndarray = field(default_factory=lambda: np.zeros(256, dtype=np.int64))
    utf8_valid: bool = True
    double_encoded: str | None = None  # an example, if any
    utf8_error: str | None = None

    @property
    def ascii(self) -> bool:
        return not self.histogram[0x80:].any()

    @property
    def controls(self) -> list[int]:
        return [b for b in range(0x20) if self.histogram[b] and b not in ALLOWED_CONTROLS] + (
            [0x7F] if self.histogram[0x7F] else []
        )


def detect_dbf_encoding(
    dbf: Path | str, findings: Findings | None = None, forced: str | None = None
) -> TextEncoding:
    """The encoding of a DBF's text. ``forced`` (``--encoding`` or the profile) wins, but
    must at least decode every byte. Raises :class:`InputError` when undecidable."""
    dbf = Path(dbf)
    findings = findings if findings is not None else Findings()
    header = read_dbf_header(dbf)
    if forced:
        return _forced(dbf, header, forced)
    return decide(dbf, scan_text(dbf, header), hints_of(dbf, header), findings)


def read_dbf_header(dbf: Path) -> DbfHeader:
    """The DBF header and field descriptors, checked against the file's size."""
    try:
        with dbf.open("rb") as fh:
            head = fh.read(32)
            if len(head) < 32:
                raise InputError(dbf, "the .dbf is shorter than its 32-byte header")
            _, _, _, _, records, header_length, record_length = _HEADER.unpack(head[:12])
            descriptors = fh.read(max(header_length - 32, 0))
        size = dbf.stat().st_size
    except OSError as exc:
        raise InputError(dbf, f"the .dbf cannot be read ({exc.strerror})") from None
    fields = _fields(dbf, descriptors, record_length)
    if header_length < 33 or record_length < 1:
        raise InputError(dbf, "the .dbf header is damaged (impossible header or record length)")
    if size < header_length + records * record_length:
        held = max(size - header_length, 0) // record_length
        raise InputError(dbf, f"the .dbf declares {records:,} records but holds only {held:,}")
    return DbfHeader(records, header_length, record_length, head[29], fields)


def _fields(dbf: Path, descriptors: bytes, record_length: int) -> tuple[DbfField, ...]:
    """Field descriptors (32 bytes each) up to the 0x0D terminator."""
    fields: list[DbfField] = []
    offset = 1  # after the deletion flag
    for start in range(0, len(descriptors) - _FIELD + 1, _FIELD):
        raw = descriptors[start : start + _FIELD]
        if raw[0] == 0x0D:
            break
        length = raw[16]
        fields.append(DbfField(raw[:11].split(b"\x00", 1)[0], chr(raw[11]), offset, length))
        offset += length
    if offset > record_length:
        raise InputError(dbf, "the .dbf fields are longer than its records (damaged header)")
    return tuple(fields)


def hints_of(dbf: Path, header: DbfHeader) -> list[Hint]:
    """The ``.cpg`` claim (first) and the LDID claim, as far as they say anything."""
    hints = []
    cpg = sidecar(dbf, ".cpg")
    if cpg is not None:
        text = cpg.read_bytes()[:64].decode("ascii", "replace").strip()
        hints.append(Hint(f".cpg {text!r}", cpg_codec(text)))
    if header.ldid:
        hints.append(Hint(f"LDID 0x{header.ldid:02X}", LDID_CODECS.get(header.ldid)))
    return hints


def cpg_codec(text: str) -> str | None:
    """The Python codec a ``.cpg`` names (``UTF-8``, ``1250``, ``ANSI 1250``…), or None."""
    key = re.sub(r"[\s_-]", "", text.upper())
    if key in _CPG_ALIASES:
        return _CPG_ALIASES[key]
    for candidate in (text.strip(), f"cp{key}" if key.isdigit() else ""):
        try:
            return codecs.lookup(candidate).name if candidate else None
        except LookupError:
            continue
    return None


def scan_text(dbf: Path, header: DbfHeader) -> TextSample:
    """Histogram and UTF-8 verdict over the field names and every character field."""
    sample = TextSample()
    names = b"\n".join(f.name for f in header.fields)
    _absorb(sample, np.frombuffer(names, dtype=np.uint8), names)
    if not header.text_fields:
        return sample
    columns = _text_columns(header)
    for block in _record_blocks(dbf, header):
        text = block[:, columns]
        text[:, -1] = 0x0A  # one line per record, so examples of bad text stay short
        flat = text.reshape(-1)
        _absorb(sample, flat, flat.tobytes() if sample.utf8_valid else b"")
    return sample


def _text_columns(header: DbfHeader) -> np.ndarray:
    """Byte positions of the character fields, each followed by a separator position."""
    spans = [np.arange(f.offset, f.offset + f.length) for f in header.text_fields]
    parts: list[np.ndarray] = []
    for span in spans:
        # then position 0, the ASCII deletion flag: a separator, so that a byte sequence
        # never runs from one field into the next when UTF-8 is checked
        parts += [span, np.array([0])]
    return np.concatenate(parts)


def _record_blocks(dbf: Path, header: DbfHeader) -> Iterator[np.ndarray]:
    """The records as (n, record_length) byte arrays, a few MiB at a time."""
    per_block = max(1, BLOCK_BYTES // header.record_length)
    with dbf.open("rb") as fh:
        fh.seek(header.header_length)
        remaining = header.records
        while remaining > 0:
            count = min(per_block, remaining)
            raw = fh.read(count * header.record_length)
            rows = len(raw) // header.record_length
            if rows == 0:
                return
            remaining -= rows
            yield np.frombuffer(raw[: rows * header.record_length], dtype=np.uint8).reshape(
                rows, header.record_length
            )


def _absorb(sample: TextSample, flat: np.ndarray, raw: bytes) -> None:
    """Add one block to the sample: byte counts, and UTF-8 validity while it lasts."""
    counts = np.bincount(flat, minlength=256)
    sample.histogram += counts
    if not raw or not counts[0x80:].any():
        return
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        sample.utf8_valid = False
        sample.utf8_error = f"byte 0x{raw[exc.start]:02X} is not UTF-8"
        return
    if sample.double_encoded is None and (match := DOUBLE_ENCODED.search(text)):
        sample.double_encoded = _word_at(text, match.start())


def _word_at(text: str, index: int) -> str:
    start = max(text.rfind(" ", 0, index), text.rfind("\n", 0, index)) + 1
    end = min(x for x in (text.find(" ", index), text.find("\n", index), len(text)) if x >= 0)
    return text[start:end][:40]


def plausible_polish(sample: TextSample, codec: str) -> bool:
    """Whether the non-ASCII bytes read as Polish text in a single-byte ``codec``."""
    polish = foreign = 0
    for byte in np.flatnonzero(sample.histogram[0x80:]) + 0x80:
        try:
            char = bytes([byte]).decode(codec)
        except UnicodeDecodeError:
            return False  # a byte the code page leaves undefined
        count = int(sample.histogram[byte])
        if char in POLISH:
            polish += count
        elif char in FOREIGN_LETTERS:
            foreign += count
        elif char not in TYPOGRAPHY:
            return False
    return polish > 0 and foreign <= polish and not sample.controls


def decide(dbf: Path, sample: TextSample, hints: list[Hint], findings: Findings) -> TextEncoding:
    """The rules of the module docstring, in order."""
    if sample.controls:
        raise _ambiguous(dbf, f"control bytes {_hex(sample.controls)} in the text")
    if sample.ascii:
        return TextEncoding("utf-8", "the text is plain ASCII (the same in every encoding)")
    if sample.utf8_valid and sample.double_encoded is None:
        _overruled(dbf, hints, "utf-8", findings)
        return TextEncoding("utf-8", "the text is valid UTF-8")
    if sample.double_encoded is not None:
        raise _ambiguous(dbf, f"UTF-8 encoded twice ({sample.double_encoded!r})")
    for hint in hints:
        if hint.codec and hint.codec != "utf-8" and _single_byte_fits(sample, hint.codec):
            _overruled(dbf, hints, hint.codec, findings)
            return TextEncoding(hint.codec, f"the {hint.source} agrees with the text")
    if plausible_polish(sample, "cp1250"):
        _overruled(dbf, hints, "cp1250", findings)
        return TextEncoding("cp1250", "the text reads as Polish in CP1250")
    raise _ambiguous(dbf, f"neither UTF-8 ({sample.utf8_error}) nor Polish in CP1250")


def _single_byte_fits(sample: TextSample, codec: str) -> bool:
    try:
        return codecs.lookup(codec).name != "utf-8" and plausible_polish(sample, codec)
    except LookupError:
        return False


def _overruled(dbf: Path, hints: list[Hint], chosen: str, findings: Findings) -> None:
    """Record every hint that named another encoding than the bytes showed.

    LDID 0x57 ("ANSI") names no code page; on Polish Windows it means CP1250, so it
    contradicts UTF-8 text but not CP1250 text.
    """
    for hint in hints:
        claimed = hint.codec or ("cp1250" if hint.source == "LDID 0x57" else None)
        if claimed is not None and claimed != chosen:
            findings.add(
                "encoding_hint_overruled",
                f"the declared text encoding contradicts the bytes; read as {chosen.upper()}",
                f"{dbf.name}: {hint.source}",
            )


def _forced(dbf: Path, header: DbfHeader, forced: str) -> TextEncoding:
    """A forced encoding must exist and decode every text byte of the file."""
    try:
        codec = codecs.lookup(forced).name
    except LookupError:
        raise InputError(dbf, f"unknown text encoding {forced!r}") from None
    for block in _record_blocks(dbf, header):
        try:
            block[:, _text_columns(header)].tobytes().decode(codec)
        except UnicodeDecodeError as exc:
            raise InputError(dbf, f"the text is not valid {forced} ({exc.reason})") from None
    return TextEncoding(codec, f"forced: {forced}")


def _ambiguous(dbf: Path, why: str) -> InputError:
    return InputError(
        dbf, f"ambiguous text encoding: {why}; tell us which (--encoding, e.g. cp1250 or cp852)"
    )


def _hex(values: list[int]) -> str:
    return ", ".join(f"0x{v:02X}" for v in values[:5])


def sidecar(path: Path, suffix: str) -> Path | None:
    """A sibling file with another suffix, in whatever case it was written (``.CPG``)."""
    for candidate in (path.with_suffix(suffix), path.with_suffix(suffix.upper())):
        if candidate.is_file():
            return candidate
    stem = path.stem.lower()
    for sibling in path.parent.iterdir():
        if sibling.stem.lower() == stem and sibling.suffix.lower() == suffix:
            return sibling
    return None
