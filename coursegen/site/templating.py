"""The sandboxed Jinja2 environment: where templates come from, what they may reach, how long they may run.

A user's template may come from anywhere (a theme copied from the web), so it is treated as
hostile: it runs in Jinja2's immutable sandbox and may read attributes of plain data only (the
dicts, lists and text that views.py builds), so no value hands it a way to the catalog, to
other courses or to Python itself. Whatever goes wrong in a template (a syntax error, a missing
include, an escape attempt, a division by zero, endless recursion, a page that takes too long)
becomes an Issue naming the template and its line.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import jinja2
from jinja2.runtime import BlockReference, LoopContext, Macro, TemplateReference
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.utils import Cycler, Joiner, Namespace

from coursegen.issues import CoursegenError, Issue
from coursegen.site import BUILTIN_TEMPLATES
from coursegen.site.printed import check_encodable, lipsum, printed, random_item

PAGE_SECONDS = 10.0  # a page renders in milliseconds; one that takes longer has a loop that does not end
MAX_SEQUENCE = 1_000_000  # the longest text or list `*` may make in a template
MAX_EXPONENT = 1_000

# What a template may read attributes of: plain data, and Jinja2's own template machinery.
_PLAIN = (str, int, float, bool, type(None), list, tuple, dict)
_JINJA = (LoopContext, Macro, BlockReference, TemplateReference, Namespace, Cycler, Joiner,
          jinja2.environment.TemplateModule)
_DICT_ATTRIBUTES = frozenset(dir(dict))


class TemplateProblem(CoursegenError):
    """Raised when a template cannot be loaded or rendered; carries the located issue."""

    def __init__(self, issue: Issue):
        super().__init__(issue.message)
        self.issue = issue

    def __reduce__(self):  # travels back from worker processes intact
        return (TemplateProblem, (self.issue,))


class TemplateTimeout(SecurityError):
    """Raised inside a template that has run longer than PAGE_SECONDS for one page."""


class Environment(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox, reading attributes of plain data only, with a time limit per page.

    `value.name` on the plain dicts of page values is looked up directly: Jinja2 tries getattr()
    first and the key after it, an AttributeError raised and caught for every `course.name` in
    every template (about 5% of rendering). A dict has no attributes but its methods, so for any
    other name the answer is the same, and the sandbox's checks have nothing to decide.
    """

    intercepted_binops = frozenset(["*", "**"])
    deadline = float("inf")  # time.monotonic() past which the page being rendered is given up

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.globals["range"] = self._range
        # A page is the same bytes on every build of the same input: nothing random.
        self.globals["lipsum"] = lipsum
        self.filters["random"] = random_item

    def checking(self) -> Environment:
        """Return a twin that checks every printed value at its template line (printed.printed).

        A check of every `{{ }}` costs a call each, 5% of a build: pages are rendered without it,
        and only a page whose text shows something wrong is rendered again by the twin, whose error
        names the line. Its templates are compiled anew (the checks are compiled into them), never
        shared with this environment's caches.
        """
        twin = self.__dict__.get("_twin")
        if twin is None:
            twin = self._twin = self.overlay(finalize=printed, bytecode_cache=None, cache_size=400)
        return twin

    def getattr(self, obj, attribute: str):
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)

    def is_safe_attribute(self, obj, attr: str, value) -> bool:
        return isinstance(obj, _PLAIN + _JINJA) and super().is_safe_attribute(obj, attr, value)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja2's own signature
        __self.check_time()
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context, operator: str, left, right):
        if operator == "*" and isinstance(left, int) and isinstance(right, (str, list, tuple)):
            left, right = right, left
        if operator == "*" and isinstance(left, (str, list, tuple)) and isinstance(right, int):
            if len(left) * right > MAX_SEQUENCE:
                raise SecurityError(f"`*` would make a sequence of {len(left) * right:,} items; "
                                    f"templates may make at most {MAX_SEQUENCE:,}")
        if operator == "**" and isinstance(right, int) and abs(right) > MAX_EXPONENT:
            raise SecurityError(f"`**` with an exponent of {right:,}; templates may use at most {MAX_EXPONENT:,}")
        return super().call_binop(context, operator, left, right)

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise TemplateTimeout(f"the page took more than {PAGE_SECONDS:g} s to render; "
                                  f"a loop or a recursion in the template does not end")

    def _range(self, *args: int) -> Iterator[int]:
        """range() for templates: as long as the sandbox allows, and watched by the page's time limit."""
        numbers = jinja2.sandbox.safe_range(*args)
        for index, number in enumerate(numbers):
            if index & 1023 == 0:
                self.check_time()
            yield number


class _Loader(jinja2.FileSystemLoader):
    """Templates from one folder, as text: a file that is not UTF-8, unreadable, or a link out of the folder is an error."""

    def get_source(self, environment, template: str):
        for folder in self.searchpath:
            path = os.path.join(folder, *jinja2.loaders.split_template_path(template))
            if not os.path.isfile(path):
                continue
            if not Path(path).resolve().is_relative_to(Path(folder).resolve()):
                raise _syntax(template, path, 0, f"is a link to a file outside {folder}; "
                                                 f"templates must live inside their folder")
            try:
                with open(path, "rb") as handle:
                    raw = handle.read()
            except OSError as error:
                raise _syntax(template, path, 0, f"cannot be read: {error.strerror or error}") from None
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                line = raw[:error.start].count(b"\n") + 1
                raise _syntax(template, path, line, f"is not UTF-8 text: byte 0x{raw[error.start]:02x} "
                                                    f"cannot be decoded; save it as UTF-8") from None
            return text, os.path.normpath(path), lambda: False  # a build never sees a template change mid-run
        raise jinja2.TemplateNotFound(template)


class _Unusable(jinja2.TemplateSyntaxError):
    """A template file that cannot be used at all: unreadable, not UTF-8, or a link out of its folder."""


def _syntax(template: str, path: str, line: int, message: str) -> jinja2.TemplateSyntaxError:
    return _Unusable(message, line, template, path)


def make_environment(user_templates: Path | None, compiled: Path | None = None) -> Environment:
    """Return the sandboxed environment in which a user's template overrides the built-in of that name.

    `compiled` is a folder for Jinja2's bytecode cache: each template is compiled to Python once
    and loaded from there while its source is unchanged (Jinja2 compares each source's checksum).
    """
    folders = [str(user_templates)] if user_templates and user_templates.is_dir() else []
    return Environment(
        loader=_Loader([*folders, str(BUILTIN_TEMPLATES)]),
        autoescape=True,  # every template, whatever its extension: all of them produce HTML
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # a build never sees a template change mid-run: skip a stat per {% include %}
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled)) if compiled is not None else None,
    )


def render(env: Environment, name: str, values: dict) -> str:
    """Render one template with its values, within the page's time limit; any failure is a located TemplateProblem.

    Called again from inside a template (a card on a listing page), it keeps the page's limit.
    """
    outermost = env.deadline == float("inf")
    if outermost:
        env.deadline = time.monotonic() + PAGE_SECONDS
    try:
        template = env.get_template(name)
        html = template.render(values)
        if _shows_something_wrong(html):
            checking = env.checking()  # to find the line: it raises at the first value it refuses
            checking.deadline = env.deadline
            checking.get_template(name).render(values)
            if not html.isascii():  # what a {% filter %} block makes is not a printed value: no line to name
                try:
                    check_encodable(html)
                except SecurityError as error:
                    raise TemplateProblem(Issue(shown_path(template.filename or name), 0, 0, "",
                                                f"template refused: {error}")) from None
        return html
    except TemplateProblem:
        raise
    except Exception as error:  # noqa: BLE001 - whatever a template does wrong is reported as the template's
        raise TemplateProblem(template_issue(error, name)) from None
    finally:
        if outermost:
            env.deadline = float("inf")


def _shows_something_wrong(html: str) -> bool:
    """Return True when a page may hold what no page may: a memory address, or half a surrogate pair.

    Python writes an object without text of its own as `<... at 0x7f...>`; a page can also say
    " at 0x" for a good reason (a description quoting Python), and is then rendered twice, once checked.
    """
    return " at 0x" in html or (not html.isascii() and not _encodable(html))


def _encodable(html: str) -> bool:
    """Return False when the text holds half a surrogate pair.

    Found by encoding, not by a regular expression: a page with one "·" is not ASCII, and
    searching its 15 KB for the class [\ud800-\udfff] takes four times as long as encoding it
    (115 us against 27), even though render_page then encodes it once more.
    """
    try:
        html.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def template_issue(error: BaseException, name: str) -> Issue:
    """Return what went wrong in a template as an Issue at its innermost template line."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        kind = "this template" if isinstance(error, _Unusable) else "template syntax error:"
        return Issue(shown_path(error.filename or error.name or name), error.lineno or 0, 0, "", f"{kind} {error.message}")
    path, line = _innermost_template_line(error) or (name, 0)
    if isinstance(error, jinja2.TemplatesNotFound):
        message = f"none of the templates {', '.join(map(repr, error.templates))} exists"
    elif isinstance(error, jinja2.TemplateNotFound):
        message = f"template {error.name!r} not found, neither in the templates folder nor among the built-in ones"
    elif isinstance(error, TemplateTimeout):
        message = f"template stopped: {error}"
    elif isinstance(error, SecurityError):
        message = f"template refused: {error}"
    elif isinstance(error, RecursionError):
        message = "template recursion too deep: a macro, include or block calls itself without end"
    elif isinstance(error, jinja2.TemplateError):
        message = f"template error: {error}"
    else:
        message = f"template error: {type(error).__name__}: {error}"
    return Issue(shown_path(path), line, 0, "", message)


def _innermost_template_line(error: BaseException) -> tuple[str, int] | None:
    """Find the innermost template line in a Jinja2 traceback (Jinja2 rewrites its frames to template lines)."""
    found = None
    tb = error.__traceback__
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:
            found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def shown_path(path: str) -> str:
    """Return a template's path as a user reads it: as given under templates/, or which built-in it is."""
    builtin = str(BUILTIN_TEMPLATES) + os.sep
    if path.startswith(builtin):
        return f"(built-in template) {path[len(builtin):]}"
    return path.replace(os.sep, "/")


