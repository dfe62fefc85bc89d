"""What a run was asked to do (Options) and what it found (Result): the values every command passes on."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from coursegen import __version__
from coursegen.images.cache import CACHE_DIR
from coursegen.incremental.keys import input_signature as signature_of
from coursegen.issues import Issue
from coursegen.model import Catalog
from coursegen.output.manifest import MANIFEST


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


def silent(message: str) -> None:
    """Report no progress."""


def input_signature(options: Options, tree: bytes) -> tuple:
    """Return what decides this run's output (keys.input_signature): its options and its inputs' `tree` digest."""
    return signature_of(__version__, options.content, options.base_url, options.preview, options.template_dir,
                        options.previous, tree, options.out / MANIFEST)
