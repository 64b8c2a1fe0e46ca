"""Sequences of records held as arrays of machine numbers, a record made when one is read.

A long document has hundreds of thousands of sentences (five megabytes of "1,000,000. "
has 450,000): as Python objects their records take some 150 bytes each, as arrays a few.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar, overload

T = TypeVar("T")


class PackedRows(Sequence[T]):
    """A read-only sequence whose subclass keeps its fields in arrays: `__len__` and `_row(i)`
    (record i) are all it must give; indexing, slicing and iteration follow."""

    __slots__ = ()

    def _row(self, i: int) -> T:
        raise NotImplementedError

    @overload
    def __getitem__(self, k: int) -> T: ...

    @overload
    def __getitem__(self, k: slice) -> list[T]: ...

    def __getitem__(self, k: int | slice) -> T | list[T]:
        if isinstance(k, int) and 0 <= k < len(self):  # (the common case, first)
            return self._row(k)
        if isinstance(k, slice):
            return [self._row(i) for i in range(len(self))[k]]
        return self._row(range(len(self))[k])  # (a negative index counts from the end; IndexError past it)
