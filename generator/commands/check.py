"""The build, one call per stage: load and validate everything (check), then render and write (building)."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator import __version__

from generator.output import staging
from generator.incremental import buildcache as cache_store
from generator.incremental.buildcache import BuildCache, digest, newest_mtime, stat_key, tree_signature
from generator.content.resolve import CourseResolver, assemble_catalog, check_references, load_registry
from generator.content.settings import load_site
from generator.model import ImageSizes
from generator.images.cache import CACHE_DIR, ImageCache
from generator.images.refs import check_images
from generator.issues import CacheDamaged, Issue
from generator.content.loader import load_courses
from generator.model import Catalog
from generator.site import ASSETS, BUILTIN_TEMPLATES
from generator.content.files import Document, discover_courses, load_document
from generator.content.schema import validate_document



@dataclass(frozen=True, slots=True)
class Options:
    """What a run was asked to do."""

    content: Path = Path("content")
    out: Path = Path("output")
    base_url: str | None = None
    preview: bool = False
    templates: Path | None = None  # default: templates/ beside the content directory
    previous: Path | None = None  # previous manifest; default: the one in `out`
    jobs: int = 1  # processes for per-course work
    no_cache: bool = False  # ignore and rebuild the build cache

    @property
    def cache_dir(self) -> Path:
        """Return the image cache: beside the output, so it survives the output's atomic swap."""
        return self.out.absolute().parent / CACHE_DIR

    @property
    def template_dir(self) -> Path:
        return self.templates if self.templates is not None else self.content.parent / "templates"


@dataclass(frozen=True, slots=True)
class Result:
    """What a run found and made: its issues, and for a build, a one-line summary."""

    issues: tuple[Issue, ...]
    catalog: Catalog | None = None
    summary: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(issue.is_error for issue in self.issues)


def _silent(message: str) -> None:
    """Report no progress."""


def check(options: Options, cache: BuildCache | None = None, progress: Callable[[str], None] = _silent, *,
          describe: bool = False, stats: dict[str, tuple] | None = None) -> Result:
    """Phase one: load and validate every file; write nothing.

    With `describe` (a build), the descriptions the build will use are rendered into the cache
    in the same pass. `stats` are the input files' stat keys, when the caller has taken them.
    """
    site_doc = _load_optional(options.content, "site.yaml", required=True)
    if isinstance(site_doc, Issue):
        return Result((site_doc,))
    issues: list[Issue] = []
    site, problems = load_site(site_doc, options.base_url)
    issues += problems
    shared = {name: _load_optional(options.content, name) for name in ("categories.yaml", "users.yaml")}
    for name, document in shared.items():
        if isinstance(document, Issue):
            issues.append(document)
        elif document is not None:
            issues += validate_document(document, name.removesuffix(".yaml"))
    paths, problems = discover_courses(options.content, stats)  # a build's signature has listed every file
    issues += problems
    progress(f"checking {len(paths)} course files")
    registry = None  # references cannot be resolved against broken registries
    if not any(isinstance(d, Issue) or (d is not None and _has_issues(d, issues)) for d in shared.values()):
        registry, problems = load_registry(shared["categories.yaml"], shared["users.yaml"])
        issues += problems
    resolver = CourseResolver(registry) if registry is not None else None
    invalid, sources, seen = [], {}, {}
    sizes = site.image_sizes if site is not None else ImageSizes()
    # What decoding a source teaches is kept by builds, hidden courses' sources included, so that
    # neither `check` nor the next build decodes it again; `check` itself writes nothing.
    images_seen = ImageCache(options.cache_dir, writable=describe and not options.no_cache)
    for document, problems in load_courses(options.content, paths, cache, options.jobs,
                                           describe=describe, preview=options.preview, stats=stats):
        issues += problems
        if problems:
            if document is not None and isinstance(document.data, dict):
                invalid.append(document)
            continue
        found, problems = check_images(options.content, document, sizes, images_seen, seen)
        sources.update(found)
        issues += problems
        if resolver is not None:
            resolver.add(document)  # and the document, its data included, can go
    if site is not None:
        found, problems = check_images(options.content, site_doc, sizes, images_seen, seen)  # default_image
        sources.update(found)
        issues += problems
    if resolver is None:
        return Result(tuple(sorted(issues)))
    resolved, more = resolver.resolved()
    issues += more + check_references(registry, invalid)
    if any(issue.is_error for issue in issues) or site is None:
        return Result(tuple(sorted(issues)))
    return Result(tuple(sorted(issues)), assemble_catalog(site, registry, resolved, sources))


def _has_issues(document: Document, issues: list[Issue]) -> bool:
    return any(issue.path == document.display for issue in issues)


def build(options: Options, progress: Callable[[str], None] = _silent) -> Result:
    """Phase one, then plan every page, render what changed, and swap the result in.

    A build cache that SQLite finds damaged is only a cache: it is deleted, and the build made
    again from nothing, with a warning.
    """
    with _collector_paused():
        try:
            return _build(options, progress)
        except CacheDamaged as damage:
            cache_store.drop(options.out)
            result = _build(replace(options, no_cache=True), progress)
            warning = Issue(cache_store.cache_file(options.out).parent.as_posix(), 0, 0, "",
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
    staging.check_output_dir(options.out, options.content, options.cache_dir)
    tree = tree_signature(options.content, options.template_dir, BUILTIN_TEMPLATES, ASSETS)
    inputs = input_signature(options, digest(tree))
    last = None if options.no_cache else cache_store.last_build_summary(options.out, inputs, newest_mtime(tree))
    if last is not None and _output_intact(options.out):
        return Result((), None, {**last, "seconds": round(time.monotonic() - started, 2), "up_to_date": True})
    # Rendering's modules (Jinja2, Pillow, Markdown, the feeds) load only when there is work for them:
    # `check` and an up-to-date build never import them.
    from generator.commands.build import build_site

    stats = dict(tree)
    del tree  # the build holds the stat keys only as long as it needs them (phase one), in `stats`
    return build_site(options, progress, inputs, stats, started)


def _output_intact(out: Path) -> bool:
    """Return True when the live output is exactly what the last build left: a stat of each file and folder."""
    from generator.output import record
    return record.check(staging.real_output(out), cache_store.records_dir(out)).intact


def input_signature(options: Options, tree: bytes) -> tuple:
    """Return what decides a build's output: every option, every input file's stat key, the manifest's.

    `tree` is the digest of the input files' stat keys (cache.digest(tree_signature(...))),
    taken when the build started: the inputs of a build are what it read, and only the manifest
    it wrote has changed since.
    """
    manifest = options.out / staging.MANIFEST
    return (__version__, str(options.content.absolute()), options.base_url, options.preview,
            str(options.template_dir.absolute()), str(options.previous), tree,
            stat_key(manifest) if manifest.is_file() else None)


def _load_optional(content: Path, name: str, *, required: bool = False) -> Document | Issue | None:
    path = content / name
    if not path.exists():
        if required:
            return Issue((content / name).as_posix(), 0, 0, "",
                         f"missing {name}: every catalog needs one (title and base_url at least)")
        return None
    return load_document(content, path)


