"""Phase two of a build: plan every page, render what changed, write the feeds, swap the output in."""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from coursegen.commands.check import check
from coursegen.commands.options import Options, Result, input_signature
from coursegen.content import history
from coursegen.images.cache import ImageCache
from coursegen.images.publish import publish_images
from coursegen.incremental import buildcache
from coursegen.incremental.buildcache import BuildCache
from coursegen.incremental.keys import course_key, feed_key, site_key, stat_key
from coursegen.issues import BuildFailed, CacheDamaged, CoursegenError, Issue
from coursegen.model import Catalog
from coursegen.output import folder, manifest
from coursegen.output.staging import Staging
from coursegen.privacy import listed_courses, needs_description
from coursegen.site import (
    ASSETS,
    cards,
    details,
    feeds,
    listings,
    pages,
    render,
    search,
    sitemap,
)
from coursegen.site.brand import brand_stylesheet
from coursegen.site.descriptions import CourseDescriptions, CourseSyllabi


def build_site(options: Options, progress: Callable[[str], None], inputs: tuple, stats: dict[str, tuple],
               started: float) -> Result:
    """Phase one, then plan every page, render what changed, and swap the result in.

    `inputs` is the build's input signature (build.input_signature) and `stats` every input
    file's stat key, both taken when the build started at `started` (time.monotonic()).
    """
    # The lock first: while it is held, the live output and its spare cannot change under this build.
    staging = Staging(options.out, buildcache.records_dir(options.out), trust=not options.no_cache)
    try:
        result, cache, slugs = _checked(staging, options, progress, stats)
        catalog, counts, images = _written(staging, options, progress, result.catalog, cache, slugs)
    except BaseException:
        staging.discard()
        raise
    # From here on the new output is live: what fails now is only a cache or a record, never the build.
    summary = _summary(catalog, staging, counts, images, time.monotonic() - started)
    cache.inputs, cache.summary = input_signature(options, inputs[-2]), summary
    folder = buildcache.cache_file(options.out).parent
    unsaved = [_unsaved(folder, "the records of the output's two copies", staging.unsaved)] if staging.unsaved else []
    try:
        cache.descriptions.save({course.description_key for course in catalog.courses})
        cache.syllabi.save({course.syllabus.key for course in catalog.courses})
        buildcache.save(options.out, cache)
    except (CacheDamaged, OSError) as problem:  # the next build starts without a cache
        with contextlib.suppress(OSError):
            buildcache.drop(options.out)
        if isinstance(problem, OSError):
            unsaved.append(_unsaved(folder, "the build cache", problem))
    return Result((*result.issues, *unsaved), catalog, summary)


def _unsaved(folder, what: str, error: OSError) -> Issue:
    named = error.filename2 or error.filename  # a rename names where it was going second
    where = f": {named}" if named else ""
    return Issue(folder.as_posix(), 0, 0, "", f"{what} could not be saved ({error.strerror or error}{where}); "
                 f"the new output is in place, and the next build checks it afresh", severity="warning")


def _checked(staging: Staging, options: Options, progress: Callable[[str], None],
             stats: dict[str, tuple]) -> tuple[Result, BuildCache, dict[str, int]]:
    """Phase one, and what the last build forbids: return the checks' result, the cache and every old slug."""
    # Read before the cache and the catalog: the manifests are the largest files a rebuild reads.
    live = options.out / manifest.MANIFEST
    previous = history.read_previous(options.previous or live, given=options.previous is not None)
    # A rebuild takes unchanged files from the live output, so it must know the live output's files:
    # --previous (the deployed build's manifest) speaks for the history only, and its sha256s are of
    # another build's bytes. Taken from it, a page of that build was kept in place of a page changed since.
    staging.adopt_spare(previous.files if options.previous is None else history.read_previous(live).files)
    cache = buildcache.empty(options.out) if options.no_cache else buildcache.load(options.out)
    if cache.output is None or cache.output != _live_manifest_key(options.out):
        # Not saved by the build that made the live output (that build died after its swap, before
        # saving its cache; or an older cache was restored): its pages would vouch for files of another.
        cache.pages = {}
    result = check(options, cache, progress, render_descriptions=True, stats=stats)
    stats.clear()  # nothing needs them after phase one: 30 MB at 100,000 courses
    if not result.ok:
        raise BuildFailed(result.issues)
    problems = history.back_to_draft(result.catalog, previous.published, options.content)
    if problems:
        raise BuildFailed(tuple(problems))
    return result, cache, history.old_slugs(result.catalog, previous)


def _written(staging: Staging, options: Options, progress: Callable[[str], None], catalog: Catalog,
             cache: BuildCache, slugs: dict[str, int]) -> tuple[Catalog, dict, object]:
    """Phase two: plan every page, render what changed, write the rest, and swap the result in."""
    rendered = _descriptions(catalog, cache, options.preview)
    image_cache = ImageCache(None if options.no_cache else options.cache_dir)
    images = publish_images(catalog, image_cache, preview=options.preview)
    catalog = replace(catalog, site=images.site)  # a path default_image now names its published file
    compiled = None if options.no_cache else buildcache.templates_dir(options.out)
    env = cards.make_environment(options.template_dir, compiled)
    site = site_key(catalog.site, options.preview)
    keys = {course.id: course_key(site, course, images.of(course)) for course in catalog.courses}
    syllabi = CourseSyllabi(cache.syllabi)
    context = pages.RenderContext(catalog, rendered, syllabi, images, options.preview, keys, {})
    course_pages = _merge(pages.course_pages(context),
                   pages.render_redirects(context, history.redirects(catalog, slugs, preview=options.preview)))
    listing_pages: dict[str, pages.PageJob] = {}

    def plan_listings_and_write_site_files() -> None:
        cache.cards = cards.card_values(catalog, images, keys, cache.cards, preview=options.preview)
        listing_pages.update(listings.listing_pages(replace(context, cards=cache.cards)))
        _write_site_files(staging, options.out, catalog, _merge(course_pages, listing_pages), rendered, syllabi, images, keys, cache,
                          options.preview)

    # Named as staging folders are, so that the next build removes it if this one is killed; named
    # before it is made, so that Ctrl-C at any moment finds it known and removed below.
    card_folder = folder.staging_folder_name(staging.out, "building-cards")
    try:
        os.mkdir(card_folder)
        plan = render.PagePlan(env, {}, {}, str(card_folder), rendered, syllabi)
        progress(f"writing {len(course_pages)} course pages")
        # Course pages need nothing from the listings: the workers render them while this
        # process makes the cards, plans the listings and writes the feeds; then the listings.
        counts = render.write_pages(staging, course_pages, plan, cache, options.jobs, meanwhile=plan_listings_and_write_site_files)
        progress(f"writing {len(listing_pages)} listing pages")
        more = render.write_pages(staging, listing_pages, plan, cache, options.jobs)
    finally:
        shutil.rmtree(card_folder, ignore_errors=True)
    for path in [path for path in cache.pages if path not in staging.files]:  # in place: no second map of them all
        del cache.pages[path]
    cache.template_references = plan.references
    staging.finish(manifest.manifest(staging.files, catalog, slugs, preview=options.preview))
    cache.output = _live_manifest_key(options.out)
    return catalog, {name: counts[name] + more[name] for name in counts}, images


def _write_site_files(staging: Staging, out: Path, catalog: Catalog, planned: dict, rendered: CourseDescriptions,
                      syllabi: CourseSyllabi, images, keys: dict[int, bytes], cache: BuildCache, preview: bool) -> None:
    """Write what is not a templated page: sitemap, robots, headers, search index, assets, images, feeds and details.

    A course's search entry and detail document are taken from the cache or the last build's
    output while its key is unchanged, and a feed file while its items' keys are.
    """
    for path, content in sitemap.render_sitemap(catalog, planned, preview=preview).items():
        staging.write(f"public/{path}", content, "generator")
    for path, content in pages.render_headers(preview=preview).items():
        staging.write(f"public/{path}", content, "generator")
    index, entries = search.search_index(catalog, rendered, keys, cache.search_entries, preview=preview)
    staging.write_pieces("public/search.json", index, "courses")
    buildcache.save_search_entries(out, entries)
    cache.search_entries = {}  # saved: nothing reads them again in this build
    del index, entries
    stylesheet = brand_stylesheet(catalog.site)
    if stylesheet is not None:
        staging.write(f"public/{stylesheet[0]}", stylesheet[1], "site.yaml")
    for asset in sorted(ASSETS.iterdir()):
        staging.write(f"public/assets/{asset.name}", asset.read_bytes(), f"coursegen/assets/{asset.name}")
    staging.write("public/favicon.ico", (ASSETS / "favicon.ico").read_bytes(), "coursegen/assets/favicon.ico")
    for path, content in images.files.items():
        staging.write(f"public/{path}", content, images.sources[path])
    # The JSON Feed holds the open courses, as open.json does, in previews too: drafts stay out of feeds.
    for path, feed in feeds.feed_files(catalog, listed_courses(catalog), rendered, images, keys).items():
        digest = feed_key(feed.inputs)
        staging.write_unless_unchanged(path, "courses", cache.pages.get(path) == digest, feed.make)
        cache.pages[path] = digest
    # A course's detail document is a function of its course key alone: reused while the key holds.
    # The key is recorded as the bytes `keys` holds already, not as a new string: 8 MB at 100,000 courses.
    for detail in details.detail_files(catalog, rendered, syllabi, images, keys):
        staging.write_unless_unchanged(detail.path, detail.source, cache.pages.get(detail.path) == detail.key,
                                       detail.make)
        cache.pages[detail.path] = detail.key


def _live_manifest_key(out) -> tuple | None:
    """Return the stat key of the live output's manifest (None without one): which output the pages describe."""
    try:
        return stat_key(folder.real_output(out) / manifest.MANIFEST)
    except OSError:
        return None


def _merge(first: dict, second: dict) -> dict:
    overlap = first.keys() & second.keys()
    if overlap:
        raise CoursegenError(f"two pages map to the same file: {sorted(overlap)[0]}")
    return {**first, **second}


def _descriptions(catalog: Catalog, cache: BuildCache, preview: bool) -> CourseDescriptions:
    """Return each course's rendered description where anything shows it (phase one rendered them)."""
    keys = {course.id: course.description_key for course in catalog.courses
            if needs_description(course.privacy.value, course.deleted, course.meta_description, preview=preview)}
    return CourseDescriptions(keys, cache.descriptions)


def _summary(catalog: Catalog, staging: Staging, counts: dict, images, seconds: float) -> dict:
    privacy = Counter("deleted" if c.deleted else (c.privacy.value or "draft") for c in catalog.courses)
    return {
        "courses": dict(sorted(privacy.items())),
        "pages": sum(1 for p in staging.files if p.endswith(".html")),
        "feeds": sum(1 for p in staging.files if "/feeds/" in p and "/feeds/courses/" not in p),
        "details": sum(1 for p in staging.files if "/feeds/courses/" in p),
        "files": len(staging.files),
        **counts,
        "images": {"made": images.made, "reused": images.reused},
        "seconds": round(seconds, 2),
    }
