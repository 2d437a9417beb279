"""Text in figures: labels shortened, and right-to-left text that matplotlib can draw.

Matplotlib built with libraqm (3.11 wheels) shapes and orders Arabic itself; older builds
draw letters unjoined and left to right, so their labels are shaped (arabic-reshaper) and
put in visual order (python-bidi) first. A font with Arabic glyphs is looked up once
(DejaVu Sans, shipped with matplotlib, has them).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any

RTL_RANGES = ((0x0590, 0x08FF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF))
_RTL_CLASS = "".join(f"{chr(low)}-{chr(high)}" for low, high in RTL_RANGES)
_RTL_RUN = re.compile(f"[{_RTL_CLASS}]+(?:[\\s\\d.,]+[{_RTL_CLASS}]+)*")
_ARABIC_PROBE = "\u0627\u0644\u0639\u0631\u0628\u064a\u0629"  # "العربية"


def is_rtl(text: str) -> bool:
    """Whether ``text`` holds right-to-left (Hebrew, Arabic) characters."""
    return _RTL_RUN.search(text) is not None


@functools.cache
def _lays_out_rtl() -> bool:
    """Whether matplotlib shapes and reorders right-to-left text itself (built with libraqm)."""
    from matplotlib import ft2font

    return bool(getattr(ft2font, "__libraqm_version__", None))


@functools.cache
def _arabic_font() -> str | None:
    """A font family that has the Arabic glyphs to draw, default font first; None if none."""
    import arabic_reshaper
    from matplotlib import font_manager, rcParams
    from matplotlib.ft2font import FT2Font

    probe = _ARABIC_PROBE if _lays_out_rtl() else arabic_reshaper.reshape(_ARABIC_PROBE)
    needed = {ord(c) for c in probe}
    default = font_manager.findfont(font_manager.FontProperties(family=rcParams["font.family"]))
    others = sorted(font_manager.fontManager.ttflist, key=lambda f: f.name != "DejaVu Sans")
    for path in dict.fromkeys([default, *(font.fname for font in others)]):
        try:
            if needed <= set(FT2Font(path).get_charmap()):
                return font_manager.FontProperties(fname=path).get_name()
        except (OSError, RuntimeError):
            continue
    return None


def label_text(text: str, width: int | None = 40) -> str:
    """``text`` shortened to ``width`` characters, right-to-left text made drawable.

    Matplotlib built with libraqm lays out Arabic itself; otherwise the text is shaped
    (arabic-reshaper) and put in visual order (python-bidi). Where no installed font
    has Arabic glyphs, each right-to-left run is replaced by ``"…"``.
    """
    if width is not None and len(text) > width:
        text = text[: width - 1].rstrip() + "…"
    if not is_rtl(text):
        return text
    if _arabic_font() is None:
        return _RTL_RUN.sub("…", text)
    if _lays_out_rtl():
        return text
    import arabic_reshaper
    from bidi import get_display

    return get_display(arabic_reshaper.reshape(text))


def style_labels(labels: Sequence[Any]) -> None:
    """Give tick labels that hold right-to-left text the font that has their glyphs."""
    font = _arabic_font()
    for label in labels:
        if font and is_rtl(label.get_text()):
            label.set_fontfamily(font)
