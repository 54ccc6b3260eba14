"""DejaVu Sans (its licence beside it): the fonts of the platform's printed documents (activation letters,
transcripts), which cover every Vietnamese letter."""
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent
SANS = FONT_DIR / "DejaVuSans.ttf"
SANS_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
