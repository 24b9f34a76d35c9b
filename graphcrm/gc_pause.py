"""Pausing Python's cycle collector around work that allocates millions of objects.

graphcrm's records hold no reference cycles, so while an import validates
millions of them the collector's passes find nothing and cost ~40 % of the time.
NetworkX graphs do hold cycles (through their cached views), so a portfolio
scan collects the young generation once per batch instead of every few
thousand allocations (~40 % of ``risks`` on 10k accounts), and building one
big account's graph leaves its collection to the next automatic pass.
The pause is process-wide: with several threads, the collector comes back on
when the thread that turned it off is done; it is never left off.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_gc"]


@contextmanager
def paused_gc(collect: bool = False) -> Iterator[None]:
    """Run the block with the cycle collector off.

    Parameters
    ----------
    collect : bool
        Afterwards, collect what the block allocated (its cycles), once.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        if collect:
            gc.collect(0)
