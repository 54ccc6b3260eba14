"""Text helpers: folding Vietnamese for search ("Nguyễn" is found by "nguyen")."""
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
