"""Command line: arguments → options → a command → report → exit code."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from coursegen import __version__
from coursegen.issues import BuildFailed, CoursegenError, UsageError

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_SOFTWARE = 0, 1, 2, 70  # 70: EX_SOFTWARE, an internal error
EXIT_BROKEN_PIPE = 128 + 13  # what a shell reports for a process ended by SIGPIPE
# What `coursegen schema NAME` prints: every schema the package ships.
SCHEMAS = ("categories", "course", "dashboard", "detail", "manifest", "site", "users")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coursegen", description="Build a static course catalog and JSON feeds from YAML files.")
    parser.add_argument("--version", action="version", version=f"coursegen {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="validate the content and build output/")
    _content_argument(build)
    build.add_argument("--out", type=Path, default=Path("output"), help="output directory (default: output)")
    build.add_argument("--base-url", help="absolute URL the site is served at; overrides site.yaml")
    build.add_argument("--preview", action="store_true", help="include drafts, noindex every page, no sitemap")
    _templates_argument(build)
    build.add_argument("--previous", type=Path, metavar="MANIFEST",
                       help="previous build's manifest (default: OUT/restricted/manifest.json)")
    build.add_argument("--jobs", "-j", type=int, metavar="N", help="processes to use (default: all cores)")
    build.add_argument("--no-cache", action="store_true", help="ignore the build cache and rebuild everything")
    build.add_argument("--quiet", "-q", action="store_true", help="print only errors")

    check = commands.add_parser("check", help="validate the content; write nothing")
    _content_argument(check)
    check.add_argument("--format", choices=("text", "json", "github"), default="text")

    serve = commands.add_parser("serve", help="preview server on 127.0.0.1 with live reload")
    _content_argument(serve)
    serve.add_argument("--port", type=_port, default=8000, help="port on 127.0.0.1 (default: 8000; 0 picks a free one)")
    _templates_argument(serve)

    new = commands.add_parser("new", help="start a site, or add a course file").add_subparsers(
        dest="kind", required=True, metavar="KIND")
    course = new.add_parser("course", help="a new draft course file with the next free id")
    course.add_argument("name", help='the course name, such as "Intro to Python"')
    _content_argument(course)
    site = new.add_parser("site", help="a new project that builds as it is, in a new or empty folder")
    site.add_argument("directory", type=Path, metavar="DIR", help="the folder to create the project in")

    diff = commands.add_parser("diff", help="what a build adds, changes and removes compared with another")
    diff.add_argument("old", type=Path, metavar="OLD_MANIFEST", help="output/restricted/manifest.json of the base build")
    diff.add_argument("new", type=Path, metavar="NEW_MANIFEST", help="output/restricted/manifest.json of the new build")
    diff.add_argument("--format", choices=("markdown", "json"), default="markdown")

    schema = commands.add_parser("schema", help="print a JSON Schema")
    schema.add_argument("which", nargs="?", choices=SCHEMAS, default="course")
    return parser


def _content_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", type=Path, default=Path("content"), help="content directory (default: content)")


def _templates_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--templates", type=Path, help="template overrides (default: templates/ beside the content)")


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 0 to 65535, not {text!r}")
    return int(text)


def _require_content(args: argparse.Namespace) -> Path:
    if not args.content.is_dir():
        found = "is a file, not a folder" if args.content.exists() else "does not exist"
        raise UsageError(f"content directory {args.content} {found}")
    return args.content


def main(argv: list[str] | None = None) -> int:
    """Run one command and return its exit status."""
    for name in ("stdout", "stderr"):  # closed by the caller (2>&-): messages go nowhere, the work is still done
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w"))
    args = _parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"coursegen: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BuildFailed as exc:
        from coursegen.commands.report import format_text

        print(format_text(exc.issues, color=_color()), file=sys.stderr)
        print(f"build failed: {exc}; the previous output was left as it was", file=sys.stderr)
        return EXIT_CONTENT
    except CoursegenError as exc:
        print(f"coursegen: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    except KeyboardInterrupt:
        print("coursegen: interrupted; the previous output was left as it was", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`coursegen schema site | head`): stop without a word, as cat does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush at exit either
        return EXIT_BROKEN_PIPE
    except OSError as error:  # the machine said no: a full disk, a folder that cannot be written
        return _environment_failed(error, args)
    except Exception as error:  # noqa: BLE001 - the last line of defence: never a traceback on the terminal
        return _crashed(error, args)


def _environment_failed(error: OSError, args: argparse.Namespace) -> int:
    """Report a refusal of the operating system in one line, naming what and where; the traceback goes to a file."""
    where = f": {error.filename}" if error.filename else ""
    kept = "; the previous output was left as it was" if args.command == "build" else ""
    report = _save_traceback(error, args)
    print(f"coursegen: cannot {args.command}: {error.strerror or error}{where}{kept}"
          + (f" (details in {report})" if report else ""), file=sys.stderr)
    return EXIT_CONTENT


def _crashed(error: Exception, args: argparse.Namespace) -> int:
    """Report a bug in one line, with where its full traceback was written; exit 70 (EX_SOFTWARE)."""
    import traceback

    frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
    place = f" at {Path(frame.filename).name}:{frame.lineno}" if frame else ""
    report = _save_traceback(error, args)
    saved = f"the traceback is in {report}" if report else "the traceback could not be saved"
    print(f"coursegen: internal error: {type(error).__name__}{place}: {error}; {saved}; "
          f"please report it with that file", file=sys.stderr)
    return EXIT_SOFTWARE


def _save_traceback(error: BaseException, args: argparse.Namespace) -> str:
    """Write the full traceback to a file in the cache folder (else the temporary folder); return its path, or ""."""
    import tempfile
    import time
    import traceback

    from coursegen.images.cache import CACHE_DIR

    text = f"coursegen {__version__} {' '.join(sys.argv[1:])}\n\n" + "".join(traceback.format_exception(error))
    name = f"crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.txt"
    out = getattr(args, "out", None) or Path("output")
    for folder in (out.absolute().parent / CACHE_DIR, Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, "utf-8")
            return (folder / name).as_posix()
        except OSError:
            continue
    return ""


def _options(args: argparse.Namespace):
    from coursegen.commands.options import Options
    _require_content(args)
    templates = getattr(args, "templates", None)
    if templates is not None and not templates.is_dir():
        raise UsageError(f"--templates {templates} is not a folder; give the folder your templates are in")
    base_url = getattr(args, "base_url", None)
    if base_url is not None:
        from coursegen.content.rules import base_url_problem

        problem = base_url_problem(base_url)
        if problem:
            raise UsageError(f"--base-url must be an absolute http(s) URL such as https://example.org/, "
                             f"but {problem}: {base_url!r}")
    return Options(content=args.content, out=getattr(args, "out", Path("output")), base_url=base_url,
                   preview=getattr(args, "preview", False), templates=getattr(args, "templates", None),
                   previous=getattr(args, "previous", None), jobs=_jobs(args),
                   no_cache=getattr(args, "no_cache", False))


def _jobs(args: argparse.Namespace) -> int:
    from coursegen.parallel import default_jobs

    jobs = getattr(args, "jobs", None)
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs must be at least 1, not {jobs}")
    return jobs or default_jobs()


def _build(args: argparse.Namespace) -> int:
    from coursegen.commands.build import build
    from coursegen.commands.progress import Progress, wanted
    from coursegen.commands.report import format_text, summary_line

    options = _options(args)
    with Progress(sys.stderr, enabled=wanted(sys.stderr) and not args.quiet) as progress:
        result = build(options, progress)
    if result.issues:
        print(format_text(result.issues), file=sys.stderr)
    if not args.quiet:
        print(summary_line(result.summary))
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from coursegen.commands.check import check
    from coursegen.commands.report import render_check

    result = check(_options(args))
    out, err = render_check(result.issues, args.format, args.content.as_posix(), color=_color())
    if out:
        print(out)
    if err:
        print(err, file=sys.stderr)
    return EXIT_OK if result.ok else EXIT_CONTENT


def _color() -> bool:
    """Colour only a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    return sys.stderr.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def _new(args: argparse.Namespace) -> int:
    if args.kind == "site":
        return _new_site(args.directory)
    from datetime import datetime, timezone

    from coursegen.commands.new import plan_course, write_new

    scaffold = plan_course(_require_content(args), args.name, datetime.now(timezone.utc))
    write_new(scaffold)
    print(f"created {scaffold.path.as_posix()} (id {scaffold.id}, a draft): set created_by, "
          f"then privacy when it is ready, and run coursegen check")
    return EXIT_OK


def _new_site(folder: Path) -> int:
    from coursegen.commands.scaffold import site_files, write_site

    write_site(folder, site_files())
    # Not "open output/public/index.html": pages link /assets/... from the site's root, which a file:// URL lacks.
    print(f"created a site in {folder.as_posix()}: cd {folder.as_posix()}, then coursegen serve to preview it "
          f"or coursegen build to build output/public/ (README.md says what each file is for)")
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    from coursegen.commands.serve import serve

    options = _options(args)
    return serve(options.content, args.port, options.templates)


def _diff(args: argparse.Namespace) -> int:
    from coursegen.commands.diff import compare, read_manifest, to_json, to_markdown

    difference = compare(read_manifest(args.old), read_manifest(args.new))
    sys.stdout.write(to_json(difference) if args.format == "json" else to_markdown(difference))
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    from coursegen.content.schema import load_schema

    print(json.dumps(load_schema(args.which), indent=2, ensure_ascii=False))
    return EXIT_OK


_COMMANDS = {"build": _build, "check": _check, "serve": _serve, "new": _new, "diff": _diff, "schema": _schema}
