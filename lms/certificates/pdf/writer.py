"""A small PDF 1.7 writer for one-page certificates, built for speed.

It knows exactly what a certificate needs: text in embedded TrueType fonts (Type 0, Identity-H, with a
ToUnicode map so text can be searched and copied), filled and stroked rectangles and lines, images
prepared once per process, an attached file, and document information. Output is deterministic for
the same input, so a certificate renders to the same bytes every time.
"""
from __future__ import annotations

import hashlib
import io
import string
import unicodedata
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cache, lru_cache

from lms.certificates.pdf.fonts import font

Color = tuple[float, float, float]
BLACK: Color = (0, 0, 0)


@dataclass(frozen=True)
class PreparedImage:
    """An image as PDF streams: the picture (and its alpha as a soft mask), encoded once."""

    width: int
    height: int
    color_space: str
    bits: int
    filter: str
    data: bytes
    mask: bytes | None = None  # Flate-encoded 8-bit alpha


class ImageError(ValueError):
    """An image could not be read."""


@lru_cache(maxsize=64)
def prepare_image(data: bytes, max_side: int = 1600) -> PreparedImage:
    """Decode an uploaded image once; large images are scaled down (print quality at A4 is ~150 dpi)."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ImageError(str(exc)) from exc
    fmt = image.format
    if max(image.size) > max_side:
        image.thumbnail((max_side, max_side))
        fmt = None
    if fmt == "JPEG" and image.mode in ("RGB", "L"):
        space = "/DeviceRGB" if image.mode == "RGB" else "/DeviceGray"
        return PreparedImage(image.width, image.height, space, 8, "/DCTDecode", data)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    if has_alpha:
        image = image.convert("RGBA")
        alpha = image.getchannel("A")
        mask = zlib.compress(alpha.tobytes(), 6) if alpha.getextrema()[0] < 255 else None
        image = image.convert("RGB")
    else:
        mask = None
        image = image.convert("RGB") if image.mode not in ("RGB", "L") else image
    space = "/DeviceRGB" if image.mode == "RGB" else "/DeviceGray"
    if not has_alpha and max(image.size) > 400:
        # Photographs and scans travel as JPEG: a fraction of the size of Flate.
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=85)
        return PreparedImage(image.width, image.height, space, 8, "/DCTDecode", buffer.getvalue())
    return PreparedImage(image.width, image.height, space, 8, "/FlateDecode", zlib.compress(image.tobytes(), 6), mask)


def _number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def pdf_string(text: str) -> bytes:
    """A PDF text string: UTF-16BE with a byte-order mark, written in hex."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def pdf_date(moment: datetime) -> bytes:
    return b"(D:" + moment.astimezone(timezone.utc).strftime("%Y%m%d%H%M%S").encode("ascii") + b"Z)"


@dataclass
class _Run:
    style: str
    size: float
    x: float
    y: float
    text: str
    color: Color


@dataclass
class Page:
    """One page: drawing calls collect operations; `Document.render` turns them into PDF bytes."""

    width: float
    height: float
    ops: list = field(default_factory=list)
    images: list[PreparedImage] = field(default_factory=list)

    # y runs downwards from the top edge, as people lay out a page; the writer flips it.
    def text(self, x: float, y: float, text: str, *, style: str = "regular", size: float = 12,
             color: Color = BLACK, align: str = "left") -> float:
        """Draw one line with its baseline at y; returns its width."""
        width = font(style).width(text, size)
        if align == "center":
            x -= width / 2
        elif align == "right":
            x -= width
        self.ops.append(_Run(style, size, x, y, text, color))
        return width

    def rect(self, x: float, y: float, w: float, h: float, *, fill: Color | None = None, stroke: Color | None = None,
             line_width: float = 1) -> None:
        self.ops.append(("rect", x, y, w, h, fill, stroke, line_width))

    def line(self, x1: float, y1: float, x2: float, y2: float, *, color: Color = BLACK,
             line_width: float = 0.8) -> None:
        self.ops.append(("line", x1, y1, x2, y2, color, line_width))

    def modules(self, x: float, y: float, size: float, rows: list[list[bool]], *, color: Color = BLACK) -> None:
        """A QR code: dark modules as filled rectangles, one per horizontal run."""
        self.ops.append(("modules", x, y, size, rows, color))

    def image(self, image: PreparedImage, x: float, y: float, w: float, h: float) -> None:
        if image not in self.images:
            self.images.append(image)
        self.ops.append(("image", self.images.index(image), x, y, w, h))


class Document:
    """A one-page PDF with embedded fonts, images, an attached file and document information."""

    def __init__(self, page: Page, *, info: dict[str, str] | None = None, created: datetime | None = None,
                 attachment: tuple[str, bytes, str] | None = None, file_id: bytes = b""):
        self.page = page
        self.info = info or {}
        self.created = created or datetime(2000, 1, 1, tzinfo=timezone.utc)
        self.attachment = attachment
        self.file_id = file_id

    def render(self) -> bytes:
        page = self.page
        used: dict[str, set[int]] = {}
        for op in page.ops:
            if isinstance(op, _Run):
                used.setdefault(op.style, set()).update(font(op.style).glyphs(op.text))
        writer = _Writer()
        catalog_ref, pages_ref, page_ref = writer.reserve(), writer.reserve(), writer.reserve()
        font_refs, mappings = {}, {}
        for index, (style, gids) in enumerate(sorted(used.items())):
            embedded = embedded_font(style, frozenset(gids | always_glyphs(style)))
            font_refs[style] = (f"F{index + 1}", self._font(writer, embedded))
            mappings[style] = embedded.mapping
        image_refs = [self._image(writer, image) for image in page.images]
        content = self._content(page, mappings, font_refs)
        content_ref = writer.stream(b"", content)
        resources = b"<< /ProcSet [/PDF /Text /ImageC /ImageB]"
        if font_refs:
            resources += (b" /Font <<" + b"".join(f" /{name} {ref} 0 R".encode() for name, ref in font_refs.values())
                          + b" >>")
        if image_refs:
            resources += b" /XObject <<" + b"".join(f" /Im{i + 1} {ref} 0 R".encode()
                                                  for i, ref in enumerate(image_refs)) + b" >>"
        resources += b" >>"
        writer.put(page_ref, (f"<< /Type /Page /Parent {pages_ref} 0 R /MediaBox [0 0 {_number(page.width)} "
                              f"{_number(page.height)}] /Contents {content_ref} 0 R /Resources ").encode()
                   + resources + b" >>")
        writer.put(pages_ref, f"<< /Type /Pages /Kids [{page_ref} 0 R] /Count 1 >>".encode())
        catalog = f"<< /Type /Catalog /Pages {pages_ref} 0 R /PageMode /UseNone".encode()
        if self.attachment is not None:
            name, data, mime = self.attachment
            file_ref = writer.stream(f"/Type /EmbeddedFile /Subtype /{mime.replace('/', '#2F')} "
                                     f"/Params << /Size {len(data)} >>".encode(), data, compress=False)
            spec_ref = writer.add(b"<< /Type /Filespec /F " + pdf_string(name) + b" /UF " + pdf_string(name)
                                  + f" /AFRelationship /Data /EF << /F {file_ref} 0 R "
                                    f"/UF {file_ref} 0 R >> >>".encode())
            catalog += (b" /Names << /EmbeddedFiles << /Names [" + pdf_string(name)
                        + f" {spec_ref} 0 R] >> >> /AF [{spec_ref} 0 R]".encode())
        lang = self.info.get("Lang")
        if lang:
            catalog += b" /Lang " + pdf_string(lang)
        writer.put(catalog_ref, catalog + b" >>")
        info = b"<< /Producer " + pdf_string("LMS certificates") + b" /CreationDate " + pdf_date(self.created)
        for key in ("Title", "Author", "Subject", "Keywords", "Creator"):
            if self.info.get(key):
                info += f" /{key} ".encode() + pdf_string(self.info[key])
        info_ref = writer.add(info + b" >>")
        return writer.finish(catalog_ref, info_ref, self.file_id)

    @staticmethod
    def _font(writer: _Writer, embedded: EmbeddedFont) -> int:
        file_ref = writer.raw_stream(f"/Length1 {embedded.program_length} /Filter /FlateDecode".encode(),
                                     embedded.program)
        descriptor_ref = writer.add(embedded.descriptor.replace(b"@FILE@", str(file_ref).encode()))
        cid_ref = writer.add(embedded.cid_font.replace(b"@DESCRIPTOR@", str(descriptor_ref).encode()))
        unicode_ref = writer.raw_stream(b"/Filter /FlateDecode", embedded.to_unicode)
        return writer.add((f"<< /Type /Font /Subtype /Type0 /BaseFont /{embedded.base} /Encoding /Identity-H "
                           f"/DescendantFonts [{cid_ref} 0 R] /ToUnicode {unicode_ref} 0 R >>").encode())

    def _image(self, writer: _Writer, image: PreparedImage) -> int:
        mask = ""
        if image.mask is not None:
            mask_ref = writer.raw_stream(
                f"/Type /XObject /Subtype /Image /Width {image.width} /Height {image.height} /ColorSpace /DeviceGray "
                f"/BitsPerComponent 8 /Filter /FlateDecode".encode(), image.mask)
            mask = f" /SMask {mask_ref} 0 R"
        return writer.raw_stream(
            (f"/Type /XObject /Subtype /Image /Width {image.width} /Height {image.height} "
             f"/ColorSpace {image.color_space} /BitsPerComponent {image.bits} /Filter {image.filter}{mask}").encode(),
            image.data)

    def _content(self, page: Page, mappings: dict[str, dict[int, int]], font_refs: dict) -> bytes:  # noqa: C901  (one branch per drawing operation of the page)
        out: list[str] = []
        h = page.height
        for op in page.ops:
            if isinstance(op, _Run):
                face = font(op.style)
                mapping = mappings[op.style]
                hexed = "".join(f"{mapping.get(g, 0):04X}" for g in face.glyphs(op.text))
                out.append(f"BT /{font_refs[op.style][0]} {_number(op.size)} Tf {_color(op.color)} rg "
                           f"{_number(op.x)} {_number(h - op.y)} Td <{hexed}> Tj ET")
            elif op[0] == "rect":
                _, x, y, w, hh, fill, stroke, line_width = op
                paint = []
                if fill:
                    paint.append(f"{_color(fill)} rg")
                if stroke:
                    paint.append(f"{_color(stroke)} RG {_number(line_width)} w")
                operator = "B" if fill and stroke else ("f" if fill else "S")
                out.append(f"{' '.join(paint)} {_number(x)} {_number(h - y - hh)} {_number(w)} {_number(hh)} "
                           f"re {operator}")
            elif op[0] == "line":
                _, x1, y1, x2, y2, color, line_width = op
                out.append(f"{_color(color)} RG {_number(line_width)} w {_number(x1)} {_number(h - y1)} m "
                           f"{_number(x2)} {_number(h - y2)} l S")
            elif op[0] == "modules":
                _, x, y, size, rows, color = op
                # One module is one unit: a scaled coordinate system keeps the numbers short integers.
                parts = [f"q {_color(color)} rg {_number(size)} 0 0 {_number(size)} {_number(x)} "
                         f"{_number(h - y - len(rows) * size)} cm"]
                count = len(rows)
                for r, row in enumerate(rows):
                    bottom = count - r - 1
                    c, n = 0, len(row)
                    while c < n:
                        if row[c]:
                            start = c
                            while c < n and row[c]:
                                c += 1
                            parts.append(f"{start} {bottom} {c - start} 1 re")
                        else:
                            c += 1
                parts.append("f Q")
                out.append(" ".join(parts))
            elif op[0] == "image":
                _, index, x, y, w, hh = op
                out.append(f"q {_number(w)} 0 0 {_number(hh)} {_number(x)} {_number(h - y - hh)} "
                           f"cm /Im{index + 1} Do Q")
        return "\n".join(out).encode("ascii")


_VOWELS = "AĂÂEÊIOÔƠUƯY"
_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
UPPER_VIETNAMESE = "".join(sorted({unicodedata.normalize("NFC", v + t) for v in _VOWELS for t in _TONES}
                                  | set("ABCDEFGHIJKLMNOPQRSTUVWXYZĐ")))
# Glyphs every subset of a style carries, so that a class's certificates (whose names, codes and
# register numbers differ) share one cached subset per style: codes and numbers are drawn in the
# regular style, names in upper-case bold.
ALWAYS = {
    "regular": string.ascii_letters + string.digits + string.punctuation + " ",
    "bold": UPPER_VIETNAMESE + string.digits + " .,-/()'",
    "italic": string.digits + " ,",
}


@cache
def always_glyphs(style: str) -> frozenset[int]:
    return frozenset(font(style).glyphs(ALWAYS.get(style, "")))


@dataclass(frozen=True)
class EmbeddedFont:
    """A subset font as PDF object bodies, built once per glyph set and reused by every document."""

    base: str
    mapping: dict
    program: bytes
    program_length: int
    descriptor: bytes  # with @FILE@ for the font file's object number
    cid_font: bytes  # with @DESCRIPTOR@ for the descriptor's object number
    to_unicode: bytes


@lru_cache(maxsize=48)
def embedded_font(style: str, gids: frozenset[int]) -> EmbeddedFont:
    face = font(style)
    program, mapping = face.subset(gids)
    tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(program).digest()[:6])
    base = f"{tag}+{face.postscript_name}"
    scale = 1000 / face.units_per_em
    by_new = {new: old for old, new in mapping.items()}
    widths = " ".join(str(round(face.advances[by_new[i]] * scale)) for i in range(len(mapping)))
    flags = 4 | 2 | (64 if face.italic_angle else 0)
    descriptor = (f"<< /Type /FontDescriptor /FontName /{base} /Flags {flags} "
                  f"/FontBBox [{' '.join(str(round(v * scale)) for v in face.bbox)}] "
                  f"/ItalicAngle {_number(face.italic_angle)} /Ascent {round(face.ascent * scale)} "
                  f"/Descent {round(face.descent * scale)} /CapHeight {round(face.cap_height * scale)} "
                  f"/StemV {80 if face.weight < 600 else 140} /FontFile2 @FILE@ 0 R >>").encode()
    cid_font = (f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{base} /CIDSystemInfo << /Registry (Adobe) "
                f"/Ordering (Identity) /Supplement 0 >> /FontDescriptor @DESCRIPTOR@ 0 R /CIDToGIDMap /Identity "
                f"/W [0 [{widths}]] >>").encode()
    chars = {new: face.char_of[old] for old, new in mapping.items() if old in face.char_of}
    # Built once and reused: worth the slowest, smallest compression.
    return EmbeddedFont(base, mapping, zlib.compress(program, 9), len(program), descriptor, cid_font,
                        zlib.compress(_to_unicode(chars), 9))


def _color(color: Color) -> str:
    return " ".join(_number(c) for c in color)


def _to_unicode(chars: dict[int, str]) -> bytes:
    entries = sorted(chars.items())
    blocks = []
    for start in range(0, len(entries), 100):
        chunk = entries[start:start + 100]
        lines = "\n".join(f"<{gid:04X}> <{char.encode('utf-16-be').hex().upper()}>" for gid, char in chunk)
        blocks.append(f"{len(chunk)} beginbfchar\n{lines}\nendbfchar")
    return ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n" + "\n".join(blocks)
            + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend").encode("ascii")


class _Writer:
    """Objects, numbered from 1, written in order with a cross-reference table."""

    def __init__(self):
        self.objects: dict[int, bytes] = {}
        self.count = 0

    def reserve(self) -> int:
        self.count += 1
        return self.count

    def put(self, ref: int, body: bytes) -> None:
        self.objects[ref] = body

    def add(self, body: bytes) -> int:
        ref = self.reserve()
        self.put(ref, body)
        return ref

    def stream(self, entries: bytes, data: bytes, *, compress: bool = True) -> int:
        if compress:
            data = zlib.compress(data, 6)
            entries = (entries + b" /Filter /FlateDecode").strip()
        return self.raw_stream(entries, data)

    def raw_stream(self, entries: bytes, data: bytes) -> int:
        body = b"<< " + entries + f" /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"
        return self.add(body)

    def finish(self, root: int, info: int, file_id: bytes) -> bytes:
        out = io.BytesIO()
        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets = [0] * (self.count + 1)
        for ref in range(1, self.count + 1):
            offsets[ref] = out.tell()
            out.write(f"{ref} 0 obj\n".encode())
            out.write(self.objects[ref])
            out.write(b"\nendobj\n")
        xref = out.tell()
        out.write(f"xref\n0 {self.count + 1}\n0000000000 65535 f \n".encode())
        out.write("".join(f"{offsets[ref]:010d} 00000 n \n" for ref in range(1, self.count + 1)).encode())
        ident = hashlib.md5(file_id or out.getvalue()[:256]).hexdigest().upper()
        out.write((f"trailer\n<< /Size {self.count + 1} /Root {root} 0 R /Info {info} 0 R "
                   f"/ID [<{ident}> <{ident}>] >>\nstartxref\n{xref}\n%%EOF\n").encode())
        return out.getvalue()
