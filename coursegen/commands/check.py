"""Phase one, and all of `coursegen check`: load and validate every file, resolve the catalog; write nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from coursegen.commands.options import Options, Result, silent
from coursegen.content.files import Document, discover_courses, load_document
from coursegen.content.loader import load_courses
from coursegen.content.registry import load_registry
from coursegen.content.resolve import CourseResolver, assemble_catalog, check_references
from coursegen.content.schema import validate_document
from coursegen.content.settings import load_site
from coursegen.images.cache import ImageCache
from coursegen.images.refs import check_images
from coursegen.incremental.buildcache import BuildCache
from coursegen.issues import Issue
from coursegen.model import ImageSizes


def check(options: Options, cache: BuildCache | None = None, progress: Callable[[str], None] = silent, *,
          render_descriptions: bool = False, stats: dict[str, tuple] | None = None) -> Result:
    """Phase one: load and validate every file; write nothing.

    With `render_descriptions` (a build), the descriptions the build will use are rendered into the cache
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
    images_seen = ImageCache(options.cache_dir, writable=render_descriptions and not options.no_cache)
    for document, problems in load_courses(options.content, paths, cache, options.jobs,
                                           render_descriptions=render_descriptions, preview=options.preview, stats=stats):
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
        found, problems = check_images(options.content, site_doc, sizes, images_seen, seen)  # default_image, logo
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


def _load_optional(content: Path, name: str, *, required: bool = False) -> Document | Issue | None:
    path = content / name
    if not path.exists():
        if required:
            return Issue((content / name).as_posix(), 0, 0, "",
                         f"missing {name}: every catalog needs one (title and base_url at least)")
        return None
    return load_document(content, path)


