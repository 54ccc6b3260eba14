"""Text helpers: folding Vietnamese for search ("Nguyễn" is found by "nguyen"), and text a database can store."""
import unicodedata


def fold(text: str | None) -> str:
    """Lower-case, strip diacritics (đ -> d), collapse spaces: the key that search compares."""
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(stripped.lower().split())


def nfc(text: str | None) -> str:
    """Vietnamese typed on different keyboards arrives composed or decomposed: store it composed."""
    return unicodedata.normalize("NFC", text or "").strip()


def has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(has_nul(item) for item in value)
    if isinstance(value, dict):
        return any(has_nul(key) or has_nul(item) for key, item in value.items())
    return False


def storable(value):
    """`value` without NUL characters, in strings nested in lists and dicts too: PostgreSQL refuses them in
    text (SQLite keeps them), they mean nothing in a name or a lesson, and a file or a form may carry one."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, list):
        return [storable(item) for item in value]
    if isinstance(value, dict):
        return {storable(key): storable(item) for key, item in value.items()}
    return value
