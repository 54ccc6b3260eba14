"""Fill a .po catalogue from a Python dict of translations; list what is still untranslated.

Usage: python tools/fill_po.py PO_FILE TRANSLATIONS_PY
TRANSLATIONS_PY defines VI = {"English msgid": "Vietnamese", ...} (and may use PLURALS).
"""
import runpy
import sys

from babel.messages.pofile import read_po, write_po


def main(po_path: str, table_path: str) -> int:
    table = runpy.run_path(table_path)["VI"]
    with open(po_path, "rb") as handle:
        catalog = read_po(handle, locale="vi")
    missing = []
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        if key in table:
            message.string = table[key]
            message.flags.discard("fuzzy")
        elif not message.string:
            missing.append(key)
    with open(po_path, "wb") as handle:
        write_po(handle, catalog, width=100)
    for key in missing:
        print("MISSING:", repr(key))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
