"""Progress bars for long runs (report, eval): on a terminal only, never in a pipe or a log.

tqdm draws the bar (documents/s and ETA, resizing with the terminal); this module only
decides whether there is one, so every command behaves the same way.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def progress(items: Iterable[T], total: int | None = None, desc: str = "", unit: str = "doc",
             quiet: bool = False) -> Iterator[T]:
    """`items`, with a bar on stderr when stderr is a terminal and `quiet` is not set."""
    if quiet or not sys.stderr.isatty():
        yield from items
        return
    from tqdm import tqdm

    with tqdm(items, total=total, desc=desc, unit=unit, dynamic_ncols=True, smoothing=0.1, file=sys.stderr) as bar:
        yield from bar
