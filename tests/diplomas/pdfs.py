"""Reading the app's PDFs back: their text, and the QR code drawn as filled squares."""

from __future__ import annotations

import io
import re

import segno
from pypdf import PdfReader

_SQUARE = re.compile(rb"n ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) re f\*?")


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def qr_modules(data: bytes) -> set[tuple[int, int]]:
    """The dark modules (row, column) of the QR code on the last page that has one: the filled
    squares of one size, read from the page's drawing operations."""
    for page in reversed(PdfReader(io.BytesIO(data)).pages):
        squares = [
            tuple(float(v) for v in match.groups())
            for match in _SQUARE.finditer(page.get_contents().get_data())
        ]
        squares = [(x, y, w) for x, y, w, h in squares if abs(w - h) < 1e-6]
        if not squares:
            continue
        module = min(w for _x, _y, w in squares)
        squares = [(x, y) for x, y, w in squares if abs(w - module) < 1e-6]
        left = min(x for x, _y in squares)
        top = max(y for _x, y in squares)
        return {(round((top - y) / module), round((x - left) / module)) for x, y in squares}
    return set()


def qr_holds(data: bytes, text: str) -> bool:
    """Whether the PDF's QR code is the code of this text (at any error correction level)."""
    drawn = qr_modules(data)
    for level in "lmqh":
        code = segno.make(text, error=level, boost_error=False)
        dark = {(r, c) for r, row in enumerate(code.matrix) for c, value in enumerate(row) if value}
        # The drawn code starts at its first dark module: the finder pattern's corner (0, 0).
        if drawn == dark:
            return True
    return False
