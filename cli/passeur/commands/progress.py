"""Progress bars on stderr, only when stderr is a terminal (tqdm does the drawing)."""
from __future__ import annotations

import contextlib
from typing import Callable, Iterator


@contextlib.contextmanager
def segment_progress(env, label: str) -> Iterator[Callable[[int, int], None] | None]:
    """Yield an `on_progress(done, total)` callback drawing a bar, or None when not a terminal."""
    if not env.stderr_isatty:
        yield None
        return
    from tqdm import tqdm

    bar = tqdm(desc=label, unit="seg", file=env.stderr, leave=False, dynamic_ncols=True)

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    try:
        yield update
    finally:
        bar.close()
