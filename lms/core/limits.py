"""Resource limits shared by every parser of uploaded or imported files, checked before anything expands.

YAML (aliases, depth, size), XML (size, depth; DTDs and entities are refused by defusedxml at the parse),
text files (line length), tables (rows, columns, field length) and zips (entries, names, unpacked size,
ratio, nested archives). The numbers are settings (lms/core/config.py). Each check raises LimitExceeded;
an importer turns it into its own problem report, so the person sees which limit and where.
"""
from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable

import yaml
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from yaml.events import AliasEvent

from lms.core.config import Defaults
from lms.core.errors import DomainError

ARCHIVE_SUFFIXES = (".zip", ".jar", ".war", ".7z", ".rar", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".zst",
                    ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".epub")


class LimitExceeded(DomainError):
    """An imported file goes past a resource limit; `code` names the limit (tests and reports use it)."""

    def __init__(self, code: str, message, **params) -> None:
        super().__init__(message, **params)
        self.code = code


def setting(name: str) -> int:
    """The limit as configured; outside an app (a parser used on its own) its default."""
    return int(current_app.config[name] if has_app_context() else getattr(Defaults, name))


def _mb(value: int) -> str:
    if value < 1024 * 1024:
        return f"{max(1, value // 1024)} KB"
    return f"{round(value / (1024 * 1024))} MB"


# --- text ---------------------------------------------------------------------------------------

def check_size(size: int, limit: int, what: str) -> None:
    if size > limit:
        raise LimitExceeded("too_large", _l("%(what)s is larger than the limit of %(limit)s."), what=what,
                            limit=_mb(limit))


def check_lines(text: str) -> None:
    """Refuse a text whose longest line is past IMPORT_MAX_LINE_CHARS (no line is split to look)."""
    limit = setting("IMPORT_MAX_LINE_CHARS")
    for number, line in enumerate(text.splitlines(), start=1):
        if len(line) > limit:
            raise LimitExceeded("line_too_long", _l("Line %(line)s is longer than %(limit)s characters."),
                                line=number, limit=limit)


def check_field(value: str, line: int, column: str) -> None:
    limit = setting("IMPORT_MAX_FIELD_CHARS")
    if len(value) > limit:
        raise LimitExceeded("field_too_long", _l("Line %(line)s, column %(column)s: the value is longer than "
                                                 "%(limit)s characters."), line=line, column=column, limit=limit)


def check_row(line: int, cells: int) -> None:
    """Refuse a table past IMPORT_MAX_ROWS rows or a row past IMPORT_MAX_COLUMNS cells (as rows arrive)."""
    if line > setting("IMPORT_MAX_ROWS") + 1:
        raise LimitExceeded("too_many_rows", _l("The file has more than %(limit)s rows; split it into smaller "
                                                "files."), limit=setting("IMPORT_MAX_ROWS"))
    if cells > setting("IMPORT_MAX_COLUMNS"):
        raise LimitExceeded("too_many_columns", _l("Line %(line)s has more than %(limit)s columns."), line=line,
                            limit=setting("IMPORT_MAX_COLUMNS"))


# --- YAML ---------------------------------------------------------------------------------------

class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing deep nesting and too many aliases while the document is composed."""

    max_depth = 0
    max_aliases = 0

    def __init__(self, stream) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent, index):
        if self.check_event(AliasEvent):
            self._aliases += 1
            if self._aliases > self.max_aliases:
                raise LimitExceeded("yaml_aliases", _l("The YAML uses more than %(limit)s aliases (*name); write "
                                                       "the values out instead."), limit=self.max_aliases)
        self._depth += 1
        if self._depth > self.max_depth:
            raise LimitExceeded("yaml_depth", _l("The YAML nests deeper than %(limit)s levels."), limit=self.max_depth)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _expanded_size(root: yaml.Node, limit: int) -> int:
    """How many nodes the document holds once its aliases are expanded, stopping past `limit`.

    Composed nodes are shared between an anchor and its aliases, so this walks each node once and adds
    its children's expanded sizes: a "billion laughs" document is measured, never expanded."""
    sizes: dict[int, int] = {}
    pending: list[tuple[yaml.Node, bool]] = [(root, False)]
    while pending:
        node, ready = pending.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if ready or not children:
            total = 1 + sum(sizes.get(id(c), 0) for c in children)
            if total > limit:
                raise LimitExceeded("yaml_size", _l("The YAML expands to more than %(limit)s values (aliases "
                                                    "repeat their anchor's values)."), limit=limit)
            sizes[id(node)] = total
            continue
        pending.append((node, True))
        pending.extend((c, False) for c in children if id(c) not in sizes)
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def load_yaml(text: str):
    """Parse YAML safely within YAML_MAX_BYTES, YAML_MAX_DEPTH, YAML_MAX_ALIASES and YAML_MAX_NODES.

    Raises LimitExceeded before anything is built past a limit, and yaml.YAMLError for bad syntax."""
    check_size(len(text.encode("utf-8", errors="surrogatepass")), setting("YAML_MAX_BYTES"), "YAML")
    loader = type("Loader", (_BoundedLoader,), {"max_depth": setting("YAML_MAX_DEPTH"),
                                                "max_aliases": setting("YAML_MAX_ALIASES")})(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        _expanded_size(root, setting("YAML_MAX_NODES"))
        return loader.construct_document(root)
    finally:
        loader.dispose()


# --- XML ----------------------------------------------------------------------------------------

def check_xml_depth(depth: int) -> None:
    """Call with an element's depth as parsing reaches it (SAX) or while walking a parsed tree."""
    if depth > setting("XML_MAX_DEPTH"):
        raise LimitExceeded("xml_depth", _l("The XML nests elements deeper than %(limit)s levels."),
                            limit=setting("XML_MAX_DEPTH"))


def check_tree_depth(root) -> None:
    """Walk an ElementTree element without recursion and refuse it past XML_MAX_DEPTH."""
    pending = [(root, 1)]
    while pending:
        element, depth = pending.pop()
        check_xml_depth(depth)
        pending.extend((child, depth + 1) for child in element)


def check_xml_size(raw: bytes) -> None:
    check_size(len(raw), setting("XML_MAX_BYTES"), "XML")


# --- HTML and Markdown --------------------------------------------------------------------------

# Elements that never nest (void) or whose end tag may be left out: they do not deepen a page.
_FLAT = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
         "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "colgroup", "option", "optgroup",
         "rp", "rt"}
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^<>]*?(/?)>")  # [^<>]: each try stops at the next tag


def _html_depth(text: str) -> int:
    depth = deepest = 0
    for closing, name, self_closing in _TAG.findall(text):
        if name.lower() in _FLAT or self_closing:
            continue
        depth = max(0, depth - 1) if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest


def _indent_depth(text: str) -> int:
    """Markdown nests lists and code by indentation: two columns a level, counted generously."""
    widest = max((len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" >")) for line in text.splitlines()),
                 default=0)
    return widest // 2


def check_markup(text: str, fmt: str) -> None:
    """Refuse a lesson source nested deeper than MARKUP_MAX_DEPTH levels, before it is rendered: the
    Markdown renderer and the HTML sanitiser take time that grows with the square of the nesting."""
    limit = setting("MARKUP_MAX_DEPTH")
    depth = max(_html_depth(text), _indent_depth(text) if fmt != "html" else 0)
    if depth > limit:
        raise LimitExceeded("markup_depth", _l("The text nests elements or indents lines deeper than %(limit)s "
                                               "levels."), limit=limit)


# --- zip ----------------------------------------------------------------------------------------

def is_archive(name: str) -> bool:
    return name.lower().endswith(ARCHIVE_SUFFIXES)


def check_zip_name(name: str) -> None:
    """Refuse an entry name past ZIP_MAX_NAME_CHARS, or a part of it past 255 bytes (no file system takes it)."""
    limit = setting("ZIP_MAX_NAME_CHARS")
    if len(name) > limit:
        raise LimitExceeded("name_too_long", _l("The zip entry %(start)s... has a name longer than %(limit)s "
                                                "characters."), start=name[:60], limit=limit)
    for part in name.replace("\\", "/").split("/"):
        if len(part.encode("utf-8")) > 255:
            raise LimitExceeded("name_too_long", _l("The zip entry %(start)s... has a file or folder name longer "
                                                    "than 255 bytes."), start=name[:60])


def check_zip(infos: Iterable[zipfile.ZipInfo], *, max_entries: int, max_bytes: int, max_ratio: int,
              ratio_floor: int = 1024 * 1024, max_nested: int | None = None) -> None:
    """Check what a zip declares before anything is unpacked: entry count, names, total unpacked size,
    compression ratio of each entry over `ratio_floor` bytes, and archives nested inside it.

    Declared sizes can lie: whoever unpacks still counts the bytes it really writes."""
    infos = list(infos)
    if len(infos) > max_entries:
        raise LimitExceeded("too_many_files", _l("The zip holds %(count)s files; the limit is %(limit)s."),
                            count=len(infos), limit=max_entries)
    total, nested = 0, 0
    for info in infos:
        check_zip_name(info.filename)
        total += info.file_size
        if total > max_bytes:
            raise LimitExceeded("too_large", _l("The zip unpacks to more than %(limit)s."),
                                limit=_mb(max_bytes))
        if info.file_size > ratio_floor and info.file_size / max(1, info.compress_size) > max_ratio:
            raise LimitExceeded("ratio", _l("The zip entry %(path)s is compressed more than %(limit)s times: the "
                                            "zip looks like a zip bomb."), path=info.filename[:200], limit=max_ratio)
        nested += is_archive(info.filename)
    max_nested = setting("ZIP_MAX_NESTED_ARCHIVES") if max_nested is None else max_nested
    if nested > max_nested:
        raise LimitExceeded("nested_archives", _l("The zip holds %(count)s archives inside it; the limit is "
                                                  "%(limit)s."), count=nested, limit=max_nested)


def check_xlsx(stream) -> None:
    """Refuse a workbook whose parts would unpack past XLSX_MAX_UNPACKED_BYTES, before openpyxl opens it.

    An XLSX is a zip of XML parts; its embedded objects (archives too) are never opened, so any number passes."""
    position = stream.tell()
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return  # openpyxl says it is not a workbook, in its own words
    finally:
        stream.seek(position)
    entries = setting("XLSX_MAX_ENTRIES")
    check_zip(infos, max_entries=entries, max_bytes=setting("XLSX_MAX_UNPACKED_BYTES"),
              max_ratio=setting("XLSX_MAX_RATIO"), max_nested=entries)
