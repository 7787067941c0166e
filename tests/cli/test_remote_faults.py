"""Pushes that are true and remote answers that cannot break kgraph, on scripted loopback servers:
redirects on uploads, stores that acknowledge without storing, a header trickle, hostile answers,
secrets in bad credentials, and no fetch of anything an answer or a shapes file points at."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from conftest import integration, run_cli
from servers import Seen, Streaming, no_ambient_credentials, scripted, use_netrc  # noqa: F401  (fixtures)

ASK_YES = (200, {"Content-Type": "application/sparql-results+json"}, b'{"head": {}, "boolean": true}')


pytestmark = [integration, pytest.mark.usefixtures("no_ambient_credentials")]


def _one_line_error(run) -> None:  # type: ignore[no-untyped-def]
    assert run.code == 1, run
    assert run.err.startswith("error: ") and "internal error" not in run.err, run
    assert run.err.count("\n") == 1, run


# --- item 2: a redirect on an upload -----------------------------------------------------------


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("target", ["--endpoint", "--update-endpoint"])
def test_a_redirect_answering_an_upload_is_an_error(scripted, code: int, target: str) -> None:  # noqa: F811
    def answer(seen: Seen) -> tuple[int, dict[str, str], bytes]:
        if seen.path.startswith("/login"):
            return 200, {"Content-Type": "text/html"}, b"<html>please log in</html>"
        return code, {"Location": "/login"}, b""

    server = scripted(answer)
    run = run_cli("push", target, server.url + "/store", "--graph", "https://example.org/g")
    _one_line_error(run)
    assert "pushed" not in run.out and f"HTTP {code}" in run.err and "/login" in run.err, run
    assert [s.path for s in server.seen if s.path.startswith("/login")] == []  # not followed as a GET


def test_a_store_that_acknowledges_without_storing_is_caught(scripted) -> None:  # noqa: F811
    server = scripted(
        lambda seen: (204, {}, b"") if seen.method != "GET" else (200, {"Content-Type": "application/n-triples"}, b"")
    )
    run = run_cli("push", "--endpoint", server.url + "/store", "--graph", "https://example.org/g", "--replace")
    _one_line_error(run)
    assert "acknowledged the upload, but graph <https://example.org/g> holds 0 triple(s)" in run.err, run
    assert run.out == ""


# --- item 1: other schemes, JSON-LD contexts ------------------------------------------------------


def test_a_redirect_to_another_scheme_is_refused(scripted, recorder) -> None:  # noqa: F811
    server = scripted(lambda seen: (302, {"Location": f"ftp://127.0.0.1:{recorder.port}/x"}, b""))
    run = run_cli("query", "ASK {}", "--endpoint", server.url + "/sparql")
    _one_line_error(run)
    assert "redirected to ftp://" in run.err and "only http:// and https://" in run.err
    assert recorder.connections == 0


def test_a_json_ld_answer_with_a_remote_context_is_not_fetched(scripted, recorder) -> None:  # noqa: F811
    doc = {"@context": f"http://127.0.0.1:{recorder.port}/context.jsonld", "@id": "http://example.org/a", "name": "A"}
    server = scripted(lambda seen: (200, {"Content-Type": "application/ld+json"}, json.dumps(doc).encode()))
    run = run_cli("query", "CONSTRUCT WHERE { ?s ?p ?o }", "--endpoint", server.url + "/sparql")
    _one_line_error(run)
    assert "does not fetch" in run.err, run
    assert recorder.connections == 0


def test_shapes_in_json_ld_with_a_remote_context_are_not_fetched(recorder, tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.jsonld"
    shapes.write_text(
        json.dumps(
            {
                "@context": f"http://127.0.0.1:{recorder.port}/shacl.jsonld",
                "@id": "http://example.org/Shape",
                "@type": "NodeShape",
            }
        )
    )
    run = run_cli("validate", "--shapes", str(shapes))
    _one_line_error(run)
    assert str(shapes) in run.err and "refused a network connection" in run.err, run
    assert recorder.connections == 0


# --- item 8: one deadline for connection, headers and body ------------------------------------------


@pytest.mark.parametrize(
    "head",
    [b"HTTP/1.1 200 OK\r\nX-Slow: ", b"HTTP/1.1 500 Oops\r\nContent-Type: text/plain\r\n\r\n"],
    ids=["headers", "error-page"],
)
@pytest.mark.parametrize(
    "args",
    [
        ("query", "ASK {}", "--endpoint", "{url}/sparql"),
        ("push", "--endpoint", "{url}/store", "--replace"),
        ("push", "--update-endpoint", "{url}/update", "--graph", "https://example.org/g"),
    ],
    ids=["query", "push-gsp", "push-update"],
)
def test_timeout_covers_a_server_trickling_header_bytes(args: tuple[str, ...], head: bytes) -> None:
    server = Streaming(0.1, b"a", head=head)  # one byte per 0.1 s, never ending
    try:
        started = time.monotonic()
        url = server.url.removesuffix("/sparql")
        # 2 s, not 1: a push compiles the graph first, and a loaded machine must not eat the deadline.
        run = run_cli(*[a.replace("{url}", url) for a in args], "--timeout", "2")
        elapsed = time.monotonic() - started
    finally:
        server.close()
    _one_line_error(run)
    if b" 500 " in head:
        assert "HTTP 500 Oops: aaa" in run.err and "cut off at the --timeout of 2 s" in run.err, run
    else:
        assert "within 2 s (--timeout)" in run.err, run
    assert elapsed < 8, elapsed


@pytest.mark.parametrize(
    "args",
    [
        ("query", "ASK {}"),
        ("query", "ASK {}", "--endpoint", "http://127.0.0.1:1/q"),
        ("push", "--endpoint", "http://127.0.0.1:1/store"),
        ("serve", "--port", "1"),
    ],
)
@pytest.mark.parametrize("value", ["inf", "nan"])
def test_timeout_must_be_finite(args: tuple[str, ...], value: str) -> None:
    run = run_cli(*args, "--timeout", value)
    assert run.code == 2 and "finite number of seconds" in run.err, run


# --- item 7: secrets never printed ------------------------------------------------------------------


@pytest.mark.parametrize(
    "token,what",
    [
        ("tok-s3cret-value\n", "a line break"),
        ("tok-s3cret-\u20ac", "a character outside Latin-1"),
        ("tok-s3cret-\x1b[31m", "a control character"),
    ],
)
def test_a_bad_token_is_named_not_shown(scripted, monkeypatch, token: str, what: str) -> None:  # noqa: F811
    server = scripted(lambda seen: ASK_YES)
    monkeypatch.setenv("KGRAPH_ENDPOINT_TOKEN", token)
    for args in (("query", "ASK {}", "--endpoint", server.url), ("push", "--endpoint", server.url + "/store")):
        run = run_cli(*args)
        _one_line_error(run)
        assert f"KGRAPH_ENDPOINT_TOKEN holds {what}" in run.err and "s3cret" not in run.err, run
    assert server.seen == []


def test_a_netrc_parse_error_does_not_echo_the_password(scripted, monkeypatch, tmp_path: Path) -> None:  # noqa: F811
    server = scripted(lambda seen: ASK_YES)
    netrc = use_netrc(monkeypatch, tmp_path, "machine 127.0.0.1 login reader password pw-s3cret tail-s3cret\n")
    run = run_cli("query", "ASK {}", "--endpoint", server.url)
    _one_line_error(run)
    assert str(netrc) in run.err and "line" in run.err and "s3cret" not in run.err, run


# --- item 17: malformed answers, headers and URLs are located one-line errors -------------------------

_SELECT_JSON = "application/sparql-results+json"


@pytest.mark.parametrize(
    "media,body",
    [
        (_SELECT_JSON, b"[" * 100_000 + b"]" * 100_000),  # RecursionError
        (_SELECT_JSON, b'{"head": [], "results": {"bindings": []}}'),  # AttributeError
        (_SELECT_JSON, b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": "a"}]}}'),
        (
            "application/sparql-results+xml",  # IndexError
            b'<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="x"/></head>'
            b'<results><result><binding name="x"/></result></results></sparql>',
        ),
        ("text/turtle", b"<a> <b> " + b"(" * 50_000),
    ],
    ids=["deep-json", "head-list", "term-string", "empty-binding", "deep-turtle"],
)
def test_a_malformed_answer_is_a_one_line_error(scripted, media: str, body: bytes) -> None:  # noqa: F811
    server = scripted(lambda seen: (200, {"Content-Type": media}, body))
    run = run_cli("query", "SELECT * WHERE { ?s ?p ?o }", "--endpoint", server.url + "/sparql")
    _one_line_error(run)
    assert "sent a malformed" in run.err and len(run.err) < 600, run


@pytest.mark.parametrize(
    "headers", [{f"X-{n}": "v" for n in range(120)}, {"X-Long": "v" * 70_000}], ids=["too-many", "too-long"]
)
def test_too_many_or_too_long_headers(scripted, headers: dict[str, str]) -> None:  # noqa: F811
    server = scripted(lambda seen: (200, headers, b""))
    run = run_cli("query", "ASK {}", "--endpoint", server.url + "/sparql")
    _one_line_error(run)
    assert "sent a malformed HTTP answer" in run.err, run


@pytest.mark.parametrize(
    "url", ["http://[::1/sparql", "http://127.0.0.1:99999/sparql", "http://127.0.0.1:x/q", "http://127.0.0.1/spa rql"]
)
def test_a_malformed_endpoint_url(url: str) -> None:
    for args in (("query", "ASK {}", "--endpoint", url), ("push", "--endpoint", url)):
        run = run_cli(*args)
        _one_line_error(run)
        assert "URL" in run.err or "space" in run.err, run


def test_serve_needs_an_address(cli) -> None:
    for host in ("", " "):
        run = cli("serve", "--host", host)
        assert run.code == 2 and "give an address to listen on" in run.err, run
