"""How issues and summaries are printed: text for people, JSON for tools, GitHub annotations for CI."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from coursegen.content.files import printable
from coursegen.issues import Issue
from coursegen.words import counted

_COLORS = {"path": "1", "error": "1;31", "warning": "1;33", "field": "36", "count": "1"}


def format_text(issues: Iterable[Issue], *, color: bool = False) -> str:
    """Return one line per issue (path:line:col: severity: field: message), a blank line between files."""
    paint = _painter(color)
    lines: list[str] = []
    previous = None
    for issue in issues:
        if previous is not None and issue.path != previous:
            lines.append("")
        previous = issue.path
        where = issue.path
        if issue.line:
            where += f":{issue.line}" + (f":{issue.column}" if issue.column else "")
        # A field name or message may quote what a file holds (an unknown key, a username): a line
        # break or an escape sequence in it must not forge a line of its own or repaint the screen.
        field = paint("field", f"{printable(issue.field)}: ") if issue.field else ""
        lines.append(f"{paint('path', where)}: {paint(issue.severity, issue.severity)}: {field}"
                     f"{printable(issue.message)}")
    return "\n".join(lines)


def count_line(issues: Iterable[Issue], content: str, *, color: bool = False) -> str:
    """Return the line a text report ends with: how many errors and warnings, in how many files."""
    issues = list(issues)
    if not issues:
        return f"{content}: no problems found"
    errors = sum(i.is_error for i in issues)
    warnings = len(issues) - errors
    parts = [counted(errors, "error")] + ([counted(warnings, "warning")] if warnings else [])
    files = len({i.path for i in issues})
    return _painter(color)("count", f"{' and '.join(parts)} in {counted(files, 'file')} under {content}")


def _painter(color: bool):
    if not color:
        return lambda role, text: text
    return lambda role, text: f"\x1b[{_COLORS.get(role, '0')}m{text}\x1b[0m"


def format_json(issues: Iterable[Issue]) -> str:
    """Return a stable JSON list of issue objects."""
    return json.dumps([{"path": i.path, "line": i.line, "column": i.column, "field": i.field,
                        "severity": i.severity, "message": i.message} for i in issues],
                      ensure_ascii=False, indent=2)


def format_github(issues: Iterable[Issue]) -> str:
    """Return GitHub Actions workflow commands, so each issue shows on the pull request's diff."""
    lines = []
    for issue in issues:
        params = [f"file={_property(issue.path)}"]
        if issue.line:
            params.append(f"line={issue.line}")
        if issue.column:
            params.append(f"col={issue.column}")
        params.append(f"title={_property(_printable_lines(issue.field) or 'coursegen')}")
        lines.append(f"::{issue.severity} {','.join(params)}::{_data(_printable_lines(issue.message))}")
    return "\n".join(lines)


def _printable_lines(text: str) -> str:
    """Return text with every unprintable character escaped but its line breaks, which _data encodes as data."""
    return "".join(part if part in ("\r", "\n") else printable(part) for part in re.split(r"([\r\n])", text))


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render_check(issues: tuple[Issue, ...], fmt: str, content: str, *, color: bool = False) -> tuple[str, str]:
    """Return what `check` prints as (stdout, stderr): the same issues in the chosen format."""
    if fmt == "json":
        return format_json(issues), ""
    if fmt == "github":
        return format_github(issues), ""
    if not issues:
        return count_line(issues, content), ""
    return "", format_text(issues, color=color) + "\n\n" + count_line(issues, content, color=color)


def summary_line(summary: dict) -> str:
    """Return the one line a build ends with: courses by privacy, pages, feeds, time."""
    if summary.get("up_to_date"):
        return f"output is up to date: no input changed ({summary['seconds']:.2f} s)"
    by_privacy = ", ".join(f"{count} {name}" for name, count in summary["courses"].items()) or "no courses"
    return (f"built {counted(sum(summary['courses'].values()), 'course')} ({by_privacy}): "
            f"{counted(summary['pages'], 'page')}, {counted(summary['feeds'], 'feed file')}, "
            f"{counted(summary.get('details', 0), 'course document')}, "
            f"{counted(summary['files'], 'file')}, "
            f"images {summary['images']['made']} made and {summary['images']['reused']} from the cache "
            f"in {summary['seconds']:.2f} s")
