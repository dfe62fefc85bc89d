"""`coursegen build`: nothing when nothing changed; else phase one, phase two and the swap (commands/write.py).

A build is up to date when no input file changed (a stat of each) and the live output is exactly
what the last build left (a stat of each file it wrote); then it imports nothing that renders.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from coursegen.commands.options import Options, Result, input_signature, silent
from coursegen.incremental import buildcache
from coursegen.incremental.keys import digest, newest_mtime, tree_signature
from coursegen.issues import CacheDamaged, Issue
from coursegen.output import folder, record
from coursegen.site import ASSETS, BUILTIN_TEMPLATES


def build(options: Options, progress: Callable[[str], None] = silent) -> Result:
    """Phase one, then plan every page, render what changed, and swap the result in.

    A build cache that SQLite finds damaged is only a cache: it is deleted, and the build made
    again from nothing, with a warning.
    """
    with _collector_paused():
        try:
            return _build(options, progress)
        except CacheDamaged as damage:
            buildcache.drop(options.out)
            result = _build(replace(options, no_cache=True), progress)
            warning = Issue(buildcache.cache_file(options.out).parent.as_posix(), 0, 0, "",
                            f"{damage}: it was deleted, and everything built afresh", severity="warning")
            return replace(result, issues=(*result.issues, warning))


@contextmanager
def _collector_paused():
    """Pause CPython's cyclic garbage collector for one build.

    A build allocates millions of objects that live until it ends (the catalog, page values)
    and makes no cyclic garbage on its way (measured: gc.collect() finds 0 objects after
    loading, planning and rendering). The collector would still scan the growing heap again
    and again, a tenth of a cold build's time, and in forked workers each scan touches, and so
    copies, the memory they share with the parent.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _build(options: Options, progress: Callable[[str], None]) -> Result:
    started = time.monotonic()
    folder.check_output_dir(options.out, options.content, options.cache_dir)
    tree = tree_signature(options.content, options.template_dir, BUILTIN_TEMPLATES, ASSETS)
    inputs = input_signature(options, digest(tree))
    last = None if options.no_cache else buildcache.last_build_summary(options.out, inputs, newest_mtime(tree))
    if last is not None and _output_intact(options.out):
        return Result((), None, {**last, "seconds": round(time.monotonic() - started, 2), "up_to_date": True})
    # Writing's modules (Jinja2, Pillow, Markdown, the feeds) load only when there is something to write:
    # `check` and an up-to-date build never import them.
    from coursegen.commands import write

    stats = dict(tree)
    del tree  # the build holds the stat keys only as long as it needs them (phase one), in `stats`
    return write.build_site(options, progress, inputs, stats, started)


def _output_intact(out: Path) -> bool:
    """Return True when the live output is exactly what the last build left: a stat of each file and folder."""
    return record.check(folder.real_output(out), buildcache.records_dir(out)).intact
