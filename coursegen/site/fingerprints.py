"""Template fingerprints: a digest of a template and of every template it uses, and compiling them once.

A page is reused only while its templates' fingerprint is unchanged (incremental/keys.page_key).
"""

from __future__ import annotations

import hashlib

import jinja2

from coursegen.site.templating import Environment


def compile_templates(env: Environment) -> None:
    """Compile every template now, before workers fork; Jinja would compile them in each worker.

    A template that does not compile (or a file in templates/ that is no template) is left
    alone: rendering reports it, with its line, if a page uses it.
    """
    for name in env.list_templates():
        try:
            env.get_template(name)
        except Exception:  # noqa: BLE001 - whatever it is, rendering meets it again and says so
            pass


_EVERY_TEMPLATE = "*"  # what a template refers to when it names one by a computed name


def template_fingerprints(env: Environment, names: set[str],
                          known: dict[str, tuple[str, ...]]) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """Return, per template, a hash of its source and of every template it extends, includes or imports.

    A template that names another by a computed name (`{% include "part_" ~ name %}`) may use any
    of them: its fingerprint covers them all. Finding what a template refers to means parsing
    it, a few milliseconds a template; `known` maps a source's digest to what it refers to, from
    the last build, and the answer comes back with this build's sources in it.
    """
    sources: dict[str, str] = {}
    references: dict[str, tuple[str, ...]] = {}

    def closure(name: str, seen: set[str]) -> set[str]:
        if name in seen:
            return seen
        seen.add(name)
        try:
            source, _, _ = env.loader.get_source(env, name)
        except (jinja2.TemplateNotFound, jinja2.TemplateSyntaxError):
            return seen  # rendering reports it, with its line, if a page uses it
        sources[name] = source
        digest = hashlib.blake2b(source.encode(), digest_size=16).hexdigest()
        if digest not in references:
            references[digest] = known[digest] if digest in known else _referenced(env, source)
        for child in references[digest]:
            for each in (env.list_templates() if child == _EVERY_TEMPLATE else (child,)):
                closure(each, seen)
        return seen

    fingerprints = {}
    for name in sorted(names):
        used = closure(name, set())
        digest = hashlib.blake2b(digest_size=16)
        for dependency in sorted(used):
            digest.update(dependency.encode() + b"\0" + sources.get(dependency, "").encode() + b"\0")
        fingerprints[name] = digest.hexdigest()
    return fingerprints, references


def _referenced(env: Environment, source: str) -> tuple[str, ...]:
    """Return the templates a template's source extends, includes or imports, by name ("*": any of them)."""
    from jinja2 import meta as jinja_meta

    try:
        referenced = [child or _EVERY_TEMPLATE for child in jinja_meta.find_referenced_templates(env.parse(source))]
    except jinja2.TemplateSyntaxError:
        return ()  # rendering will report it with its line
    if "card(" in source:  # the card() global renders _card.html: a dependency Jinja cannot see
        referenced.append("_card.html")
    return tuple(referenced)
