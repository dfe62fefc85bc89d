"""The build, one call per stage: load and validate everything, then render and write."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator import feeds, output, render
from generator.catalog import assemble_catalog, load_registry, resolve_courses
from generator.config import ImageSizes, load_site
from generator.imagecache import CACHE_DIR, ImageCache
from generator.images import check_images, publish_images
from generator.issues import BuildFailed, Issue
from generator.markup import first_paragraph_text, render_description
from generator.model import Catalog
from generator.privacy import listed_courses
from generator.sources import Document, discover_courses, load_document
from generator.validate import validate_document
from generator.urls import course_path
from generator.views import Rendered

ASSETS = Path(__file__).parent / "assets"


@dataclass(frozen=True, slots=True)
class Options:
    """What a run was asked to do."""

    content: Path = Path("content")
    out: Path = Path("output")
    base_url: str | None = None
    preview: bool = False
    templates: Path | None = None  # default: templates/ beside the content directory

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


def check(options: Options) -> Result:
    """Phase one: load and validate every file; write nothing."""
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
    courses, sources, seen = [], {}, {}
    sizes = site.image_sizes if site is not None else ImageSizes()
    cache = ImageCache(options.cache_dir, writable=False)  # check reads what builds learnt, writes nothing
    for path in discover_courses(options.content):
        document = load_document(options.content, path)
        if isinstance(document, Issue):
            issues.append(document)
            continue
        problems = validate_document(document, "course")
        issues += problems
        if not problems:
            courses.append(document)
            found, problems = check_images(options.content, document, sizes, cache, seen)
            sources.update(found)
            issues += problems
    if site is not None:
        found, problems = check_images(options.content, site_doc, sizes, cache, seen)  # default_image
        sources.update(found)
        issues += problems
    if any(isinstance(d, Issue) or (d is not None and _has_issues(d, issues)) for d in shared.values()):
        return Result(tuple(sorted(issues)))  # references cannot be resolved against broken registries
    registry, problems = load_registry(shared["categories.yaml"], shared["users.yaml"])
    resolved, more = resolve_courses(registry, courses)
    issues += problems + more
    if any(issue.is_error for issue in issues) or site is None:
        return Result(tuple(sorted(issues)))
    return Result(tuple(sorted(issues)), assemble_catalog(site, registry, resolved, sources))


def _has_issues(document: Document, issues: list[Issue]) -> bool:
    return any(issue.path == document.display for issue in issues)


def build(options: Options) -> Result:
    """Phase one, then render everything in memory and swap it in as the new output."""
    started = time.monotonic()
    output.check_output_dir(options.out, options.content)
    result = check(options)
    if not result.ok:
        raise BuildFailed(result.issues)
    catalog = result.catalog
    rendered = {course.id: _render_description(course.description) for course in catalog.courses}
    images = publish_images(catalog, ImageCache(options.cache_dir), preview=options.preview)
    catalog = replace(catalog, site=images.site)  # a path default_image now names its published file
    env = render.make_environment(options.template_dir)
    context = render.RenderContext(catalog, rendered, images, options.preview, env)
    try:
        pages = render.render_site(context)
    except render.TemplateProblem as problem:
        raise BuildFailed((problem.issue,)) from None
    tree = output.OutputTree()
    course_sources = {course_path(c.slug): c.source for c in catalog.courses}
    tree.add_all("public/", pages, lambda p: course_sources.get(p, "catalog"))
    tree.add_all("public/", render.render_sitemap(catalog, pages, preview=options.preview), lambda p: "generator")
    tree.add_all("public/assets/", {p.name: p.read_bytes() for p in sorted(ASSETS.iterdir())},
                 lambda p: f"generator/assets/{p}")
    tree.add_all("public/", images.files, lambda p: images.sources[p])
    tree.add_all("", feeds.model_feeds(catalog, rendered, images), lambda p: "courses")
    tree.add("public/feeds/open.feed.json", feeds.json_feed(catalog, listed_courses(catalog), rendered, images),
             "courses")
    tree.add(output.MANIFEST, output.manifest(tree, catalog, preview=options.preview), "generator")
    output.write_atomically(tree, options.out)
    return Result(result.issues, catalog, _summary(catalog, tree, images, time.monotonic() - started))


def _render_description(markdown_text: str) -> Rendered:
    html = render_description(markdown_text)
    return Rendered(html, first_paragraph_text(html))


def _load_optional(content: Path, name: str, *, required: bool = False) -> Document | Issue | None:
    path = content / name
    if not path.exists():
        if required:
            return Issue((content / name).as_posix(), 0, 0, "",
                         f"missing {name}: every catalog needs one (title and base_url at least)")
        return None
    return load_document(content, path)


def _summary(catalog: Catalog, tree: output.OutputTree, images, seconds: float) -> dict:
    privacy = Counter("deleted" if c.deleted else (c.privacy.value or "draft") for c in catalog.courses)
    return {
        "courses": dict(sorted(privacy.items())),
        "pages": sum(1 for p in tree.files if p.endswith(".html")),
        "feeds": sum(1 for p in tree.files if "/feeds/" in p),
        "files": len(tree.files),
        "images": {"made": images.made, "reused": images.reused},
        "seconds": round(seconds, 2),
    }
