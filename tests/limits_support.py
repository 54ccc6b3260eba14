"""Hostile inputs for the resource-limit tests of every plugin, and a look at the storage folder."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from flask import current_app


def billion_laughs_yaml(levels: int = 9, width: int = 10) -> str:
    """A YAML document of a few hundred bytes whose aliases expand to width**levels values."""
    lines = ['a0: &a0 ["lol"]']
    for level in range(1, levels + 1):
        refs = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


def deep_yaml(depth: int) -> str:
    return "x: " + "[" * depth + "]" * depth + "\n"


def deep_xml(depth: int, tag: str = "d") -> str:
    return f"<{tag}>" * depth + f"</{tag}>" * depth


def lying_zip(entries: dict[str, int]) -> bytes:
    """A zip whose entries declare the given unpacked sizes (and hold a few bytes): checks must refuse it
    from the sizes it declares, before anything is unpacked."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in entries:
            archive.writestr(name, b"x")
    data = bytearray(buffer.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        infos = archive.infolist()
    for info in infos:
        size = entries[info.filename].to_bytes(4, "little")
        data[info.header_offset + 22:info.header_offset + 26] = size  # the local header's unpacked size
        _patch_central(data, info.filename, size)
    return bytes(data)


def _patch_central(data: bytearray, name: str, size: bytes) -> None:
    encoded = name.encode("utf-8")
    start = 0
    while (start := data.find(b"PK\x01\x02", start)) != -1:
        length = int.from_bytes(data[start + 28:start + 30], "little")
        if bytes(data[start + 46:start + 46 + length]) == encoded:
            data[start + 24:start + 28] = size
            return
        start += 4


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def stored_files() -> set[str]:
    """Every file under the storage folder, relative to it: compare before and after an import."""
    root = Path(current_app.config["STORAGE_PATH"])
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} if root.exists() else set()
