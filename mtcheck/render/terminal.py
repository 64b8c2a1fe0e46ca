"""Text from a document (or a file name) made safe to print on a terminal.

A document can hold control characters: ESC and BEL start sequences that retitle the
window, clear the screen or move the cursor, and bidirectional overrides reorder what is
shown (a finding's excerpt could be made to read as something else). The text report
shows each as a visible mark instead, one character for one, so excerpts keep their
offsets and the caret line stays under its span: C0 controls as their Unicode control
pictures (ESC as ␛, BEL as ␇), DEL as ␡, C1 controls and bidirectional controls as �.
"""

from __future__ import annotations

import re

_PICTURES = {
    **{c: 0x2400 + c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)},  # tab and line breaks are layout
    0x7F: 0x2421,
    **dict.fromkeys(range(0x80, 0xA0), 0xFFFD),
    **dict.fromkeys((0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)), 0xFFFD),
}
_ONE_LINE = {**_PICTURES, 0x09: 0x2409, 0x0A: 0x240A, 0x0D: 0x240D}
_UNSAFE = re.compile("[" + "".join(f"\\u{c:04x}" for c in sorted(_ONE_LINE)) + "]")


def terminal_safe(text: str, one_line: bool = False) -> str:
    """`text` with every control character shown as a visible mark, one for one; with
    `one_line`, tabs and line breaks too (a file name in a one-line message)."""
    if _UNSAFE.search(text) is None:
        return text
    return text.translate(_ONE_LINE if one_line else _PICTURES)
