"""How issues and summaries are printed: text for people, JSON for tools, GitHub annotations for CI."""

from __future__ import annotations

import json
from collections.abc import Iterable

from generator.issues import Issue


def format_text(issues: Iterable[Issue]) -> str:
    """Return one line per issue: path:line:col: severity: field: message."""
    lines = []
    for issue in issues:
        where = issue.path
        if issue.line:
            where += f":{issue.line}" + (f":{issue.column}" if issue.column else "")
        field = f"{issue.field}: " if issue.field else ""
        lines.append(f"{where}: {issue.severity}: {field}{issue.message}")
    return "\n".join(lines)


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
        if issue.field:
            params.append(f"title={_property(issue.field)}")
        lines.append(f"::{issue.severity} {','.join(params)}::{_data(issue.message)}")
    return "\n".join(lines)


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


FORMATS = {"text": format_text, "json": format_json, "github": format_github}


def summary_line(summary: dict) -> str:
    """Return the one line a build ends with: courses by privacy, pages, feeds, time."""
    by_privacy = ", ".join(f"{count} {name}" for name, count in summary["courses"].items()) or "no courses"
    return (f"built {sum(summary['courses'].values())} courses ({by_privacy}): "
            f"{summary['pages']} pages, {summary['feeds']} feed files, {summary['files']} files, "
            f"images {summary['images']['made']} made and {summary['images']['reused']} from the cache "
            f"in {summary['seconds']:.2f} s")
