"""Render the planned pages that changed, in parallel, and write them through the staging tree."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from coursegen.incremental.buildcache import BuildCache
from coursegen.incremental.keys import page_key
from coursegen.issues import BuildFailed, Issue
from coursegen.output import files
from coursegen.output.staging import Staging
from coursegen.parallel import map_chunks
from coursegen.site import templating
from coursegen.site.cards import CardFile
from coursegen.site.descriptions import CourseDescriptions, CourseSyllabi
from coursegen.site.fingerprints import compile_templates, template_fingerprints
from coursegen.site.pages import NOINDEX, PageJob

# <meta name="robots" content="noindex…">, its attributes in either order, quoted or not
_ROBOTS_META = re.compile(r"""<meta\s(?=[^>]*\bname\s*=\s*["']?robots\b)[^>]*\bcontent\s*=\s*["']?noindex""", re.I)


def render_page(env: templating.Environment, job: PageJob) -> tuple[bytes, tuple[bytes, str] | None]:
    """Render one planned page, and its course's card if it has one (its key and HTML).

    A template mistake becomes a TemplateProblem naming file and line.
    """
    values = job.values()
    text = templating.render(env, job.template, values)
    robots = values["head"]["robots"]
    if robots == NOINDEX and not _ROBOTS_META.search(text):
        # A preview, a draft, a lock screen: a template of the user's may replace the head, not drop this.
        template = env.get_template(job.template)
        raise templating.TemplateProblem(Issue(
            templating.shown_path(template.filename or job.template), 0, 0, "",
            f'template error: the page must carry <meta name="robots" content="{robots}"> (a preview, a draft or '
            f"a private course's lock screen: search engines must not index it), and this template, or one it "
            f"extends or includes, leaves it out; print {{{{ head.robots }}}} in a robots meta tag, as the "
            f"built-in _head.html does"))
    html = text.encode("utf-8")
    if job.card is None:
        return html, None
    return html, env.cards.render(job.card(), values["site"])




@dataclass(frozen=True, slots=True)
class PagePlan:
    """What both rounds of page writing share: the templates and their fingerprints, where cards go."""

    env: templating.Environment
    fingerprints: dict[str, str]  # template -> fingerprint, filled as templates are first used
    references: dict[str, tuple[str, ...]]  # template source digest -> the templates it uses, for the cache
    card_folder: str  # where workers write the cards they render (CardFile), for this build only
    descriptions: CourseDescriptions  # what the pages show of each course's description
    syllabi: CourseSyllabi  # what the pages show of each course's sections


def write_pages(staging: Staging, pages: dict[str, PageJob], plan: PagePlan, cache: BuildCache,
                 jobs: int, meanwhile: Callable[[], None] | None = None) -> dict:
    """Write pages: unchanged ones are taken from the last build, the rest rendered in parallel.

    `meanwhile` is work of this process's own, done while the workers render.
    """
    env, fingerprints = plan.env, plan.fingerprints
    new_templates = {job.template for job in pages.values()} - fingerprints.keys()
    found, references = template_fingerprints(env, new_templates, cache.template_references)
    fingerprints.update(found)
    plan.references.update(references)
    digests, to_render, by_target = {}, [], {}
    for path, job in pages.items():
        target = f"public/{path}"
        by_target[target] = job
        staging.claim(target, job.source)
        digests[target] = page_key(fingerprints[job.template], job.inputs)
        if cache.pages.get(target) != digests[target] or not staging.reuse(target):
            to_render.append(target)
    staging.replacing(to_render)
    if to_render:
        compile_templates(env)  # here, once, rather than in every worker that forks from here
    shared = RenderWork(env, by_target, staging.root, staging.present, plan.card_folder, os.getpid(),
                        plan.descriptions, plan.syllabi)
    try:
        written = map_chunks(_render_chunk, shared, to_render, jobs, meanwhile=meanwhile)
    except templating.TemplateProblem as problem:
        raise BuildFailed((problem.issue,)) from None
    cards = env.cards.known
    for target, (sha, card) in zip(to_render, written, strict=True):
        staging.record(target, sha)
        if card is not None:  # kept for the listings, which are rendered by processes forked later
            cards.setdefault(*card)
    cache.pages.update(digests)
    return {"rendered": len(to_render), "reused": len(pages) - len(to_render)}


class RenderWork(NamedTuple):
    """What every worker that renders pages shares (forked, never sent)."""

    env: templating.Environment
    jobs: dict[str, PageJob]  # output path -> the page planned there
    root: Path  # the staging tree
    present: dict[str, str]  # output path -> sha256 of what the staging tree holds there (Staging.present)
    card_folder: str  # where a worker writes the cards it renders (CardFile)
    parent: int  # the main process: a worker is any other
    descriptions: CourseDescriptions
    syllabi: CourseSyllabi


def _render_chunk(shared: RenderWork, targets: list[str]) -> list[tuple[str, tuple | None]]:
    """Render and write pages; return each one's sha256 and its card: (key, HTML) or, from a worker, where it is.

    Results go back to the main process, which holds all of them until the workers are done:
    in targets' order, they are 300 bytes a page.
    """
    env, jobs, root, present, card_folder, parent, descriptions, syllabi = shared  # RenderWork's fields, as locals
    in_worker = os.getpid() != parent
    descriptions.prefetch(jobs[target].description_of for target in targets)
    syllabi.prefetch(jobs[target].syllabus_of for target in targets)
    written = []
    for target in targets:
        page, card = render_page(env, jobs[target])
        if card is not None and in_worker:  # its HTML stays in a file; its place goes to the main process
            card = (card[0], CardFile.write(card_folder, card[1]))
        written.append((files.write_file(root, target, page, present.get(target)), card))
    return written
