"""`coursegen serve` as a browser meets it: pages, live reload, the error overlay, a clean stop."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

from coursegen.cli import main
from coursegen.commands.serve import inject, overlay
from coursegen.issues import Issue
from tests.conftest import REPO, course, run

WAIT = 15.0  # seconds: generous for a slow CI machine, but every wait is bounded


def lines_of(stream, into: queue.Queue) -> None:
    for line in stream:
        into.put(line)


def until(predicate, what: str):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def listen(url: str, events: list[str]) -> None:
    """Read a server-sent event stream into `events` until the server closes it."""
    try:
        with urllib.request.urlopen(url, timeout=WAIT) as stream:
            for raw in stream:
                events.append(raw.decode("utf-8").rstrip("\n"))
    except (OSError, ValueError):
        return


@pytest.fixture
def server(project, tmp_path):
    """Start `coursegen serve --port 0` on the project; yield (base URL, process, its temp folder)."""
    project.add(course(1, "First"))
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(temp), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "coursegen", "serve", "--content", str(project.content),
                                "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    output: queue.Queue = queue.Queue()
    threading.Thread(target=lines_of, args=(process.stdout, output), daemon=True).start()
    seen = []

    def address():
        while not output.empty():
            seen.append(output.get())
        return next((m.group(0) for line in seen if (m := re.search(r"http://127\.0\.0\.1:\d+/", line))), None)

    try:
        yield until(address, "the server to start"), process, temp
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=WAIT)


def test_serve_reloads_on_change_shows_errors_and_stops_cleanly(project, server):
    url, process, temp = server
    status, page = fetch(url + "courses/first/")
    assert status == 200 and "First" in page
    generation = re.search(r"since=(\d+)", page).group(1)
    assert "EventSource" in page and "coursegen-overlay" not in page
    built = list(temp.rglob("*.html"))
    assert built and not any(b"EventSource" in p.read_bytes() for p in built)  # injected only when served
    events: list[str] = []
    threading.Thread(target=listen, args=(f"{url}__coursegen/events?since={generation}", events), daemon=True).start()

    project.add(course(1, "First", description="A brand new first paragraph."))
    until(lambda: "A brand new first paragraph." in fetch(url + "courses/first/")[1], "the change to be served")
    until(lambda: "event: reload" in events, "a reload event")

    project.add(course(1, "First", created_by="<b>nobody</b>"))
    status, page = until(lambda: (r := fetch(url + "courses/first/"))[0] == 500 and r, "the error overlay")
    assert "coursegen-overlay" in page and "unknown username &#x27;&lt;b&gt;nobody&lt;/b&gt;&#x27;" in page
    assert "<b>nobody</b>" not in page
    assert process.poll() is None  # a content error does not stop the server

    project.add(course(1, "First", description="Fixed again."))
    status, page = until(lambda: (r := fetch(url + "courses/first/"))[0] == 200 and r, "the page to come back")
    assert "Fixed again." in page and "coursegen-overlay" not in page
    assert fetch(url + "assets/style.css")[0] == 200 and fetch(url + "no/such/page/")[0] == 404
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.headers["X-Robots-Tag"] == "noindex, nofollow" and response.headers["Cache-Control"] == "no-store"
    assert fetch(url + "courses/first")[0] == 200  # redirected to the trailing slash

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=WAIT) == 0
    assert list(temp.iterdir()) == []  # the temporary build was removed


def test_serve_starts_even_when_the_content_is_broken(project, server):
    url, process, temp = server
    project.write("courses/2.yaml", "id: 2\nname: [broken\n")
    status, page = until(lambda: (r := fetch(url))[0] == 500 and r, "the overlay")
    assert "invalid YAML" in page
    process.terminate()
    assert process.wait(timeout=WAIT) == 0 and list(temp.iterdir()) == []


def test_inject_and_overlay_escape_and_place_the_script():
    page = inject(b"<html><body><p>x</p></body></html>", 3, (Issue("c/a.yaml", 1, 2, "name", "<script>"),))
    text = page.decode()
    assert text.index("coursegen-overlay") < text.index("EventSource") < text.index("</body>")
    assert "since=3" in text and "&lt;script&gt;" in text
    assert "1 error:" in overlay((Issue("c/a.yaml", 1, 2, "", "x"),))


def test_a_busy_port_is_a_usage_error(project, capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        assert main(["serve", "--content", str(project.content), "--port", str(busy.getsockname()[1])]) == 2
    assert "choose another --port" in capsys.readouterr().err


def test_a_port_that_is_not_a_number_is_a_usage_error():
    result = run("serve", "--port", "http")
    assert result.returncode == 2 and "expected a port number" in result.stderr and "Traceback" not in result.stderr


def test_ctrl_c_stops_serve_while_a_template_never_finishes(project, tmp_path):
    """A template edited into an endless loop must not wedge serve: Ctrl-C stops it at once, long before
    the page's 10 s limit, and the temporary preview goes with it."""
    project.add(course(1, "First"))
    templates, temp = tmp_path / "templates", tmp_path / "tmp"
    templates.mkdir()
    temp.mkdir()
    env = {**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(temp), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "coursegen", "serve", "--content", str(project.content),
                                "--templates", str(templates), "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        for line in process.stdout:  # the first build's summary, then the address
            if "serving a preview" in line:
                break
        (templates / "course.html").write_text(
            "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "utf-8")
        until(lambda: any(temp.rglob(".output.building-*")), "the rebuild to start")
        time.sleep(0.5)  # well inside the endless page
        process.send_signal(signal.SIGINT)
        started = time.monotonic()
        assert process.wait(timeout=WAIT) == 0
        assert time.monotonic() - started < 5
        assert list(temp.iterdir()) == []
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=WAIT)


def test_odd_and_broken_requests_never_print_a_traceback(project, tmp_path):
    """A `since` of other digits ("²", 5,000 of them) and clients that go away mid-request: one server, no traceback."""
    project.add(course(1, "First"))
    env = {**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "coursegen", "serve", "--content", str(project.content),
                                "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        first = process.stdout.readline() + process.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:(\d+)/", first)
        assert url, first
        port = int(url.group(1))
        for since in ("%C2%B2", "9" * 5000):
            with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
                client.sendall(f"GET /__coursegen/events?since={since} HTTP/1.0\r\n\r\n".encode())
                client.settimeout(1)
                with pytest.raises(TimeoutError):  # the stream stays open, waiting for a change
                    while client.recv(65536):
                        pass
        for _ in range(20):  # a client that resets its connection in the middle of its request
            client = socket.create_connection(("127.0.0.1", port), timeout=5)
            client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            client.close()
        assert fetch(url.group(0))[0] == 200  # still serving
    finally:
        process.send_signal(signal.SIGINT)
        shown = process.communicate(timeout=WAIT)[0]
    assert "Traceback" not in shown and "Exception occurred" not in shown, shown
