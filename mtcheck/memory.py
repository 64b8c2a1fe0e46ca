"""Large freed blocks given back to the system, once a large input has been read.

glibc's malloc raises its mmap threshold to the size of any mapped block freed (up to 32 MiB):
once the bytes of a 10 MB file are freed after decoding, blocks of up to 10 MB come from the
heap, where freed ones stay resident (heap memory is given back only from its top), so checking
a 10 MB document kept some 40 MiB of freed lists and arrays in its peak RSS. Fixing the
threshold stops the raising; it costs a mapping per block of a megabyte or more (no measurable
CPU). The readers call `after_reading` with the size of every input they read, whatever
command reads it (a file named, standard input, a report's worker); a run over small stories
never pays for importing ctypes. Elsewhere (another libc, another system) nothing is done.
"""

from __future__ import annotations

import sys

# glibc's malloc threshold (bytes) from which a block is a mapping of its own, given back when freed.
MMAP_THRESHOLD = 1 << 20
_M_MMAP_THRESHOLD = -3  # mallopt's parameter number (malloc.h)
_fixed = False


def after_reading(size: int) -> None:
    """An input of `size` bytes has just been read (and not yet freed)."""
    if size >= MMAP_THRESHOLD:
        return_freed_memory()


def return_freed_memory() -> None:
    """Fix glibc's mmap threshold at MMAP_THRESHOLD for the rest of the process (once)."""
    global _fixed
    if _fixed or not sys.platform.startswith("linux"):
        return
    _fixed = True
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
