"""`coursegen serve`: a preview build in a temporary folder, served on 127.0.0.1, rebuilt and reloaded on change."""

from __future__ import annotations

import html
import mimetypes
import os
import signal
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from coursegen.commands.build import build
from coursegen.commands.options import Options
from coursegen.commands.report import format_text, summary_line
from coursegen.incremental.keys import tree_signature
from coursegen.issues import BuildFailed, CoursegenError, Issue, UsageError

HOST = "127.0.0.1"
EVENTS = "/__coursegen/events"
POLL_SECONDS = 0.25
KEEPALIVE_SECONDS = 15.0
RELOAD_SCRIPT = """<script>/* coursegen serve: live reload, never written to disk */
(() => { const events = new EventSource("%s?since=%d");
  events.addEventListener("reload", () => location.reload()); })();
</script>"""
OVERLAY = """<div id="coursegen-overlay" role="alert" style="position:fixed;inset:0;z-index:2147483647;\
overflow:auto;background:rgba(20,20,24,.94);color:#fff;font:14px/1.5 ui-monospace,monospace;padding:2rem">
<h1 style="font:600 1.3rem system-ui,sans-serif;color:#ff8a80;margin:0 0 1rem">The content has %s: \
the preview shows the last good build</h1>
<pre style="white-space:pre-wrap;margin:0">%s</pre>
<p style="font-family:system-ui,sans-serif;color:#bbb">Fix the file and save: this page reloads by itself.</p>
</div>"""


@dataclass
class LiveState:
    """What the watcher last built, shared with request threads under one condition."""

    generation: int = 0
    issues: tuple[Issue, ...] = ()
    stopping: bool = False
    changed: threading.Condition = field(default_factory=threading.Condition)


def inject(page: bytes, generation: int, issues: tuple[Issue, ...]) -> bytes:
    """Return an HTML page with the reload script, and the error overlay when the build failed."""
    extra = (overlay(issues) if issues else "") + RELOAD_SCRIPT % (EVENTS, generation)
    text = page.decode("utf-8", errors="replace")
    at = text.lower().rfind("</body>")
    return (text[:at] + extra + text[at:] if at >= 0 else text + extra).encode("utf-8")


def overlay(issues: tuple[Issue, ...]) -> str:
    """Return the overlay that lists a failed build's issues, every character escaped."""
    count = sum(i.is_error for i in issues)
    return OVERLAY % (f"{count} error" + ("" if count == 1 else "s"), html.escape(format_text(issues)))


def snapshot(folders: tuple[Path, ...]) -> dict[str, tuple]:
    """Return every watched file's stat key; editors' hidden and backup files are skipped."""
    seen = {}
    for folder in folders:
        root = str(folder) + os.sep
        for path, key in tree_signature(folder):
            parts = path.removeprefix(root).split(os.sep)
            if not any(part.startswith(".") for part in parts) and not path.endswith("~"):
                seen[path] = key
    return seen


def rebuild(options: Options, state: LiveState) -> None:
    """Build once and publish the outcome to waiting pages; a content error becomes the overlay."""
    try:
        # Not under state.changed: requests go on reading the last build while this one is made
        # (its output is swapped in atomically), and Ctrl-C never waits for a slow template.
        result = build(options)
        issues, line = result.issues, summary_line(result.summary)
    except BuildFailed as failed:
        issues, line = failed.issues, f"build failed: {failed}; showing the overlay"
    except CoursegenError as problem:
        issues, line = (Issue(options.content.as_posix(), 0, 0, "", str(problem)),), f"build failed: {problem}"
    except Exception as bug:  # noqa: BLE001 - a preview server outlives a generator bug and shows it
        message = f"unexpected {type(bug).__name__} while building: {bug}"
        issues, line = (Issue(options.content.as_posix(), 0, 0, "", message),), f"build failed: {message}"
    with state.changed:
        state.generation += 1
        state.issues = tuple(i for i in issues if i.is_error)
        state.changed.notify_all()
    if state.issues:
        print(format_text(state.issues), file=sys.stderr)
    print(line, file=sys.stderr if state.issues else sys.stdout, flush=True)


def watch(options: Options, state: LiveState, stop: threading.Event, before: dict) -> None:
    """Poll the content and templates folders; rebuild when anything changed since `before` and stayed still."""
    folders = (options.content, options.template_dir)
    while not stop.wait(POLL_SECONDS):
        now = snapshot(folders)
        if now == before:
            continue
        while not stop.wait(POLL_SECONDS / 2) and (later := snapshot(folders)) != now:
            now = later  # an editor may write a file in several steps: wait until it settles
        before = now
        rebuild(options, state)


class PreviewHandler(SimpleHTTPRequestHandler):
    """Serves the preview's public folder, adds live reload to HTML and streams reload events."""

    state: LiveState  # set on the subclass that `serve` makes

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == EVENTS:
            self._events(parse_qs(url.query).get("since", [""])[0])
            return
        status, body, content_type = self._resolve(url.path)
        if status is HTTPStatus.MOVED_PERMANENTLY:
            self.send_response(status)
            self.send_header("Location", url.path + "/" + (f"?{url.query}" if url.query else ""))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Robots-Tag", "noindex, nofollow")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_HEAD = do_GET

    def _resolve(self, url_path: str) -> tuple[HTTPStatus, bytes, str]:
        local = Path(self.translate_path(url_path))  # stays inside the served folder
        with self.state.changed:
            generation, issues = self.state.generation, self.state.issues
        try:
            if local.is_dir() and not url_path.endswith("/"):
                return HTTPStatus.MOVED_PERMANENTLY, b"", ""
            if local.is_dir():
                local = local / "index.html"
            status = HTTPStatus.OK if local.is_file() else HTTPStatus.NOT_FOUND
        except OSError:  # a name longer than the file system takes, say: there is no such page
            status = HTTPStatus.NOT_FOUND
        if status is HTTPStatus.NOT_FOUND:
            local = Path(self.directory) / "404.html"
        try:
            body = local.read_bytes()
        except OSError:  # no build has succeeded yet, or one is being swapped in
            local, body = local.with_name("none.html"), b"<!doctype html><title>coursegen</title><body></body>"
        content_type = mimetypes.guess_type(local.name)[0] or "application/octet-stream"
        if local.suffix == ".html":
            content_type = "text/html; charset=utf-8"
            body = inject(body, generation, issues)
            status = HTTPStatus.INTERNAL_SERVER_ERROR if issues else status
        return status, body, content_type

    def _events(self, since: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        # ASCII digits only, and few: int() refuses other digits ("²") and numbers of over 4,300 of them.
        seen = int(since) if since.isascii() and since.isdigit() and len(since) < 19 else self.state.generation
        try:
            self.wfile.write(b"retry: 1000\n\n")
            self.wfile.flush()
            while True:
                with self.state.changed:
                    self.state.changed.wait_for(lambda: self.state.generation > seen or self.state.stopping,
                                                KEEPALIVE_SECONDS)
                    generation, stopping = self.state.generation, self.state.stopping
                if stopping:
                    return
                message = f"event: reload\ndata: {generation}\n\n" if generation > seen else ": keep-alive\n\n"
                seen = generation
                self.wfile.write(message.encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return

    def log_message(self, format: str, *args) -> None:
        """Stay quiet per request: the terminal shows builds, not traffic."""


class PreviewServer(ThreadingHTTPServer):
    """A server whose failed requests are told in one line, never a traceback on the editor's terminal."""

    daemon_threads, block_on_close = True, False

    def handle_error(self, request, client_address) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):  # a browser that went away mid-request (a reload, a closed tab)
            return
        print(f"coursegen serve: a request from {client_address[0]} failed: {type(error).__name__}: {error}",
              file=sys.stderr, flush=True)


def serve(content: Path, port: int, templates: Path | None = None) -> int:
    """Build a preview, serve it on 127.0.0.1 until Ctrl-C, rebuild on change; return the exit status."""
    state = LiveState()
    with tempfile.TemporaryDirectory(prefix="coursegen-serve-") as folder:
        handler = type("Handler", (PreviewHandler,), {"state": state})
        public = Path(folder) / "output" / "public"
        try:
            server = PreviewServer((HOST, port), lambda *a: handler(*a, directory=str(public)))
        except OSError as exc:
            raise UsageError(f"cannot listen on {HOST}:{port}: {exc.strerror or exc}; choose another --port") from None
        url = f"http://{HOST}:{server.server_address[1]}/"
        options = Options(content=content, out=Path(folder) / "output", base_url=url, preview=True, templates=templates)
        watched = snapshot((options.content, options.template_dir))  # before building: no change is missed
        previous = {number: signal.signal(number, _interrupt) for number in (signal.SIGTERM, signal.SIGHUP)}
        try:
            rebuild(options, state)
            print(f"serving a preview of {content.as_posix()} at {url} (Ctrl-C to stop)", flush=True)
            stop = threading.Event()
            watcher = threading.Thread(target=watch, args=(options, state, stop, watched), daemon=True)
            watcher.start()
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            for number, handler_before in previous.items():
                signal.signal(number, handler_before)
            _stop(server, state, locals().get("stop"), locals().get("watcher"))
        busy = locals().get("watcher") is not None and watcher.is_alive()
    print("stopped; the temporary preview was removed", flush=True)
    if busy:  # a rebuild that has not finished (a slow template): nothing of it is wanted now
        sys.stderr.flush()
        os._exit(0)
    return 0


def _stop(server: PreviewServer, state: LiveState, stop: threading.Event | None,
          watcher: threading.Thread | None) -> None:
    """Stop the watcher, the event streams and the server; wait a moment for a rebuild under way."""
    if stop is not None:
        stop.set()
    with state.changed:
        state.stopping = True
        state.changed.notify_all()
    server.server_close()
    if watcher is not None:
        watcher.join(timeout=1)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt
