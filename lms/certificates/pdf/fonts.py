"""TrueType fonts for the certificate PDFs: parsed once per process, subset per document in about a
millisecond.

A subset holds only the glyphs a certificate uses, renumbered from 0 (composite glyphs, like most
accented Vietnamese letters, are rewritten to point at their renumbered parts); text is written as
those glyph ids under Identity-H, so a PDF carries a few kilobytes of font.
"""
from __future__ import annotations

import struct
import threading
import unicodedata
from functools import cache
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT_FILES = {"regular": "DejaVuSerif.ttf", "bold": "DejaVuSerif-Bold.ttf", "italic": "DejaVuSerif-Italic.ttf"}
# What the subset carries besides the outlines: hinting (cvt, fpgm, prep) and the metrics tables.
KEPT_TABLES = (b"OS/2", b"cvt ", b"fpgm", b"head", b"hhea", b"maxp", b"prep")

# Composite glyph flags (OpenType 'glyf').
ARG_1_AND_2_ARE_WORDS = 0x0001
WE_HAVE_A_SCALE = 0x0008
MORE_COMPONENTS = 0x0020
WE_HAVE_AN_X_AND_Y_SCALE = 0x0040
WE_HAVE_A_TWO_BY_TWO = 0x0080


class FontError(ValueError):
    """The font file cannot be used (not TrueType outlines, or damaged)."""


def _checksum(data: bytes) -> int:
    padded = data + b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF


class TrueTypeFont:
    """One TrueType font: metrics for layout, glyph ids for text, and subsets for embedding."""

    def __init__(self, path: Path, name: str):
        self.path = Path(path)
        self.name = name
        self.data = self.path.read_bytes()
        self.tables = self._read_directory()
        for required in (b"head", b"hhea", b"maxp", b"hmtx", b"cmap", b"loca", b"glyf"):
            if required not in self.tables:
                raise FontError(f"{self.path.name}: no '{required.decode()}' table (TrueType outlines needed)")
        head = self.table(b"head")
        self.units_per_em = struct.unpack_from(">H", head, 18)[0]
        self.bbox = struct.unpack_from(">hhhh", head, 36)
        self.long_loca = struct.unpack_from(">h", head, 50)[0] == 1
        hhea = self.table(b"hhea")
        self.ascent, self.descent = struct.unpack_from(">hh", hhea, 4)
        number_of_hmetrics = struct.unpack_from(">H", hhea, 34)[0]
        self.num_glyphs = struct.unpack_from(">H", self.table(b"maxp"), 4)[0]
        hmtx = self.table(b"hmtx")
        pairs = struct.unpack_from(f">{'Hh' * number_of_hmetrics}", hmtx)
        advances, lsbs = list(pairs[0::2]), list(pairs[1::2])
        rest = self.num_glyphs - number_of_hmetrics
        advances += [advances[-1]] * rest
        lsbs += list(struct.unpack_from(f">{rest}h", hmtx, 4 * number_of_hmetrics)) if rest else []
        self.advances, self.lsbs = advances, lsbs
        loca = self.table(b"loca")
        count = self.num_glyphs + 1
        if self.long_loca:
            self.offsets = list(struct.unpack_from(f">{count}I", loca))
        else:
            self.offsets = [o * 2 for o in struct.unpack_from(f">{count}H", loca)]
        self.glyf = self.table(b"glyf")
        self.cmap = self._read_cmap()
        os2 = self.tables.get(b"OS/2")
        os2_data = self.table(b"OS/2") if os2 else b""
        self.cap_height = (struct.unpack_from(">h", os2_data, 88)[0] if len(os2_data) >= 90
                           else int(self.ascent * 0.7))
        self.weight = struct.unpack_from(">H", os2_data, 4)[0] if len(os2_data) >= 6 else 400
        post = self.table(b"post") if b"post" in self.tables else b""
        self.italic_angle = struct.unpack_from(">i", post, 4)[0] / 65536 if len(post) >= 8 else 0.0
        self.postscript_name = self._postscript_name() or self.path.stem
        self._components: dict[int, tuple[int, ...]] = {}
        self._composite_at: dict[int, tuple[int, ...]] = {}  # where a composite names its parts
        self._lock = threading.Lock()

    # --- reading ---------------------------------------------------------------------------------
    def _read_directory(self) -> dict[bytes, tuple[int, int]]:
        if len(self.data) < 12 or self.data[:4] not in (b"\x00\x01\x00\x00", b"true"):
            raise FontError(f"{self.path.name}: not a TrueType font")
        count = struct.unpack_from(">H", self.data, 4)[0]
        tables = {}
        for i in range(count):
            tag, _checksum_value, offset, length = struct.unpack_from(">4sIII", self.data, 12 + 16 * i)
            tables[tag] = (offset, length)
        return tables

    def table(self, tag: bytes) -> bytes:
        offset, length = self.tables[tag]
        return self.data[offset:offset + length]

    def _read_cmap(self) -> dict[int, int]:
        cmap = self.table(b"cmap")
        count = struct.unpack_from(">H", cmap, 2)[0]
        subtables = {}
        for i in range(count):
            platform, encoding, offset = struct.unpack_from(">HHI", cmap, 4 + 8 * i)
            subtables[(platform, encoding)] = offset
        for key in ((3, 10), (0, 4), (3, 1), (0, 3)):
            if key in subtables:
                offset = subtables[key]
                fmt = struct.unpack_from(">H", cmap, offset)[0]
                if fmt == 12:
                    return self._cmap_12(cmap, offset)
                if fmt == 4:
                    return self._cmap_4(cmap, offset)
        raise FontError(f"{self.path.name}: no Unicode character map")

    @staticmethod
    def _cmap_4(cmap: bytes, offset: int) -> dict[int, int]:
        seg_count = struct.unpack_from(">H", cmap, offset + 6)[0] // 2
        ends = struct.unpack_from(f">{seg_count}H", cmap, offset + 14)
        starts_at = offset + 16 + 2 * seg_count
        starts = struct.unpack_from(f">{seg_count}H", cmap, starts_at)
        deltas = struct.unpack_from(f">{seg_count}h", cmap, starts_at + 2 * seg_count)
        range_at = starts_at + 4 * seg_count
        range_offsets = struct.unpack_from(f">{seg_count}H", cmap, range_at)
        mapping = {}
        for i in range(seg_count):
            for code in range(starts[i], ends[i] + 1):
                if code == 0xFFFF:
                    continue
                if range_offsets[i] == 0:
                    glyph = (code + deltas[i]) & 0xFFFF
                else:
                    at = range_at + 2 * i + range_offsets[i] + 2 * (code - starts[i])
                    glyph = struct.unpack_from(">H", cmap, at)[0]
                    if glyph:
                        glyph = (glyph + deltas[i]) & 0xFFFF
                if glyph:
                    mapping[code] = glyph
        return mapping

    @staticmethod
    def _cmap_12(cmap: bytes, offset: int) -> dict[int, int]:
        groups = struct.unpack_from(">I", cmap, offset + 12)[0]
        mapping = {}
        for i in range(groups):
            start, end, glyph = struct.unpack_from(">III", cmap, offset + 16 + 12 * i)
            for code in range(start, end + 1):
                mapping[code] = glyph + code - start
        return mapping

    def _postscript_name(self) -> str | None:
        if b"name" not in self.tables:
            return None
        name = self.table(b"name")
        count, string_offset = struct.unpack_from(">HH", name, 2)
        for i in range(count):
            platform, encoding, _language, name_id, length, offset = struct.unpack_from(">HHHHHH", name, 6 + 12 * i)
            if name_id == 6:
                raw = name[string_offset + offset:string_offset + offset + length]
                text = raw.decode("utf-16-be" if platform in (0, 3) else "latin-1", "replace")
                return "".join(c for c in text if c.isalnum() or c in "-_") or None
        return None

    # --- text ------------------------------------------------------------------------------------
    def glyphs(self, text: str) -> list[int]:
        """Glyph ids for a text (composed to NFC first; an unknown character becomes glyph 0)."""
        cmap = self.cmap
        return [cmap.get(ord(ch), 0) for ch in unicodedata.normalize("NFC", text)]

    def width(self, text: str, size: float) -> float:
        advances, cmap = self.advances, self.cmap
        units = sum(advances[cmap.get(ord(ch), 0)] for ch in unicodedata.normalize("NFC", text))
        return units * size / self.units_per_em

    @property
    def char_of(self) -> dict[int, str]:
        """One character for each glyph id (for the PDF's ToUnicode map)."""
        reverse = self.__dict__.get("_char_of")
        if reverse is None:
            reverse = {}
            for code, gid in sorted(self.cmap.items(), reverse=True):
                reverse[gid] = chr(code)
            self.__dict__["_char_of"] = reverse
        return reverse

    def missing(self, text: str) -> set[str]:
        """Characters of `text` this font cannot draw."""
        return {ch for ch in unicodedata.normalize("NFC", text) if ord(ch) not in self.cmap and not ch.isspace()}

    # --- subsetting ------------------------------------------------------------------------------
    def _glyph_data(self, gid: int) -> bytes:
        return self.glyf[self.offsets[gid]:self.offsets[gid + 1]]

    def components(self, gid: int) -> tuple[int, ...]:
        """The glyphs a composite glyph is built from (recursively), cached."""
        cached = self._components.get(gid)
        if cached is not None:
            return cached
        data = self._glyph_data(gid)
        found: list[int] = []
        if len(data) >= 10 and struct.unpack_from(">h", data, 0)[0] < 0:
            at = 10
            places = []
            while True:
                flags, child = struct.unpack_from(">HH", data, at)
                places.append(at + 2)
                found.append(child)
                found.extend(self.components(child))
                at += 4 + (4 if flags & ARG_1_AND_2_ARE_WORDS else 2)
                if flags & WE_HAVE_A_SCALE:
                    at += 2
                elif flags & WE_HAVE_AN_X_AND_Y_SCALE:
                    at += 4
                elif flags & WE_HAVE_A_TWO_BY_TWO:
                    at += 8
                if not flags & MORE_COMPONENTS:
                    break
            with self._lock:
                self._composite_at[gid] = tuple(places)
        result = tuple(found)
        with self._lock:
            self._components[gid] = result
        return result

    def subset(self, used) -> tuple[bytes, dict[int, int]]:
        """A TrueType file holding only the `used` glyphs (and their parts), renumbered from 0.

        Returns the font and the mapping from this font's glyph ids to the subset's.
        """
        keep = {0}
        for gid in used:
            if 0 <= gid < self.num_glyphs:
                keep.add(gid)
                keep.update(self.components(gid))
        order = sorted(keep)
        mapping = {old: new for new, old in enumerate(order)}
        glyf_parts: list[bytes] = []
        offsets = [0]
        metrics = []
        position = 0
        for old in order:
            data = self._glyph_data(old)
            if old in self._composite_at:
                data = bytearray(data)
                for at in self._composite_at[old]:
                    struct.pack_into(">H", data, at, mapping[struct.unpack_from(">H", data, at)[0]])
                data = bytes(data)
            if len(data) % 4:
                data += b"\0" * (-len(data) % 4)
            glyf_parts.append(data)
            position += len(data)
            offsets.append(position)
            metrics.append(self.advances[old])
            metrics.append(self.lsbs[old])
        count = len(order)
        tables = {tag: self.table(tag) for tag in KEPT_TABLES if tag in self.tables}
        tables[b"glyf"] = b"".join(glyf_parts)
        tables[b"loca"] = struct.pack(f">{count + 1}I", *offsets)
        tables[b"hmtx"] = struct.pack(">" + "Hh" * count, *metrics)
        head = bytearray(tables[b"head"])
        struct.pack_into(">I", head, 8, 0)  # checkSumAdjustment, set when assembled
        struct.pack_into(">h", head, 50, 1)  # long loca offsets
        tables[b"head"] = bytes(head)
        hhea = bytearray(tables[b"hhea"])
        struct.pack_into(">H", hhea, 34, count)
        tables[b"hhea"] = bytes(hhea)
        maxp = bytearray(tables[b"maxp"])
        struct.pack_into(">H", maxp, 4, count)
        tables[b"maxp"] = bytes(maxp)
        tables[b"post"] = struct.pack(">IiHhIIIII", 0x00030000, int(self.italic_angle * 65536), 0, 0, 0, 0, 0, 0, 0)
        return _assemble(tables), mapping


def _assemble(tables: dict[bytes, bytes]) -> bytes:
    tags = sorted(tables)
    count = len(tags)
    entry_selector = max(i for i in range(16) if 2 ** i <= count)
    search_range = 2 ** entry_selector * 16
    header = struct.pack(">IHHHH", 0x00010000, count, search_range, entry_selector, count * 16 - search_range)
    directory, body = [], []
    offset = 12 + 16 * count
    head_at = 0
    for tag in tags:
        data = tables[tag]
        if tag == b"head":
            head_at = offset
        directory.append(struct.pack(">4sIII", tag, _checksum(data), offset, len(data)))
        padded = data + b"\0" * (-len(data) % 4)
        body.append(padded)
        offset += len(padded)
    font = bytearray(header + b"".join(directory) + b"".join(body))
    struct.pack_into(">I", font, head_at + 8, (0xB1B0AFBA - _checksum(bytes(font))) & 0xFFFFFFFF)
    return bytes(font)


@cache
def font(style: str = "regular") -> TrueTypeFont:
    """The certificate fonts, parsed once per process."""
    return TrueTypeFont(FONT_DIR / FONT_FILES[style], style)
