"""No network unless asked, held by the engine's surroundings, not by reading the query.

The payloads are the two that hid a SERVICE from the old regular-expression scanner while
Oxigraph still called the service: a comment ended by a carriage return, and an IRI holding a
``\\u`` escape followed by ``#``. Each runs inline, as a named query and as a check, with a
loopback listener that must see no connection.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kgraph.engine import ENGINES

from conftest import MINI, RecordingServer, integration


def _payloads(port: int) -> dict[str, str]:
    url = f"http://127.0.0.1:{port}/internal/admin?action=delete"
    return {
        "cr-comment": f"SELECT * WHERE {{ # note\rSERVICE <{url}> {{ ?s ?p ?o }} }}",
        "escaped-iri": f"SELECT * WHERE {{ VALUES ?x {{ <urn:\\u0078#> }} SERVICE <{url}> {{ ?s ?p ?o }} }}",
    }


def _refused_or_answered_locally(run, recorder: RecordingServer, engine: str) -> None:  # type: ignore[no-untyped-def]
    assert recorder.connections == 0, run
    # rdflib's parser does not end a comment at a lone CR: for it the query is unfinished.
    reasons = ("--allow-network", "syntax error") if engine == "rdflib" else ("--allow-network",)
    if run.code != 0:
        assert run.code == 1 and any(reason in run.err for reason in reasons), run


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A data folder with a queries/ folder beside it."""
    shutil.copytree(MINI, tmp_path / "data")
    (tmp_path / "queries" / "checks").mkdir(parents=True)
    return tmp_path


@pytest.mark.parametrize("payload", ["cr-comment", "escaped-iri"])
@pytest.mark.parametrize("engine", ENGINES)
def test_hidden_service_inline_named_and_check_never_connects(
    cli, recorder, project: Path, payload: str, engine: str
) -> None:
    text = _payloads(recorder.port)[payload]
    (project / "queries" / "hidden.rq").write_bytes(text.encode())
    (project / "queries" / "checks" / "hidden.rq").write_bytes(
        ("# a check that looks harmless\n# severity: error\n" + text).encode()
    )
    data = project / "data"
    for args in (["query", text], ["query", "hidden"], ["query", "hidden", "--timeout", "20"], ["check"]):
        run = cli("--engine", engine, *args, data=data)
        _refused_or_answered_locally(run, recorder, engine)
    assert recorder.connections == 0


@integration
@pytest.mark.parametrize("payload", ["cr-comment", "escaped-iri"])
def test_the_sandbox_holds_when_the_pre_check_misses(cli, recorder, project: Path, monkeypatch, payload: str) -> None:
    """Take the pre-check away: the engine still cannot connect, and the message says why."""
    import kgraph.engine

    monkeypatch.setattr(kgraph.engine, "refuse_unsafe", lambda text, allow_network: None)
    text = _payloads(recorder.port)[payload]
    (project / "queries" / "checks" / "hidden.rq").write_bytes(("# severity: error\n" + text).encode())
    data = project / "data"
    for args in (["query", text], ["query", text, "-f", "csv"], ["check"]):
        run = cli(*args, data=data)
        assert run.code == 1 and "--allow-network" in run.err, run
    silent = cli("query", text.replace("SERVICE", "SERVICE SILENT"), "-f", "csv", data=data)
    assert silent.code == 0, silent  # SILENT: the failed call is an empty answer, computed locally
    assert recorder.connections == 0


def test_without_namespaces_a_query_naming_service_is_refused(cli, recorder, monkeypatch) -> None:
    import kgraph.sandbox

    def unavailable() -> None:
        raise kgraph.sandbox.SandboxUnavailable("user namespaces are switched off")

    monkeypatch.setattr(kgraph.sandbox, "isolate", unavailable)
    text = f'SELECT ?s WHERE {{ ?s ?p ?o FILTER(?o != "service") }} # SERVICE <http://127.0.0.1:{recorder.port}/>'
    run = cli("query", text, "-f", "csv")
    assert run.code == 1 and "cannot evaluate it cut off from the network" in run.err, run
    assert "user namespaces are switched off" in run.err and "--allow-network" in run.err
    plain = cli("query", "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", "-f", "csv")
    assert plain.code == 0, plain  # a query that cannot name a service needs no sandbox
    assert recorder.connections == 0


def test_allow_network_still_reaches_the_service(cli, recorder) -> None:
    run = cli("query", _payloads(recorder.port)["cr-comment"], "--allow-network")
    assert recorder.connections == 1, run  # one call (the listener hangs up on it)
    assert run.code == 1 and "query failed" in run.err, run


def test_words_that_spell_service_elsewhere_still_answer(cli) -> None:
    """The sandbox is not a refusal: such queries answer as before, only cut off from the network."""
    text = (
        'PREFIX service: <http://example.org/service#>\nSELECT ?s WHERE { ?s ?p ?o FILTER(?o != "SERVICE") } # service'
    )
    sandboxed = cli("query", text, "-f", "csv")
    plain = cli("query", text.replace("service", "x").replace("SERVICE", "x"), "-f", "csv")
    assert sandboxed.code == plain.code == 0, sandboxed
    assert sandboxed.out == plain.out and len(sandboxed.out.splitlines()) > 1


# --- the pre-check against the engine's own reading ------------------------------------------------

#: Pieces that keep a group pattern well formed (so the engine gets to evaluate), and raw characters
#: that may not: the pre-check must see a SERVICE wherever the engine does, whatever surrounds it.
_UNITS = [
    " ",
    "\n",
    "\r",
    "\r\n",
    "\t",
    "\x0c",
    "# c\r",
    "# c\n",
    "#\r",
    "# c",
    "#",
    "?s ?p ?o .",
    "VALUES ?x { <urn:\\u0078#> }",
    "VALUES ?x { <urn:\\u003E#> }",
    "VALUES ?x { <urn:x#> }",
    'VALUES ?x { "a#b" }',
    "VALUES ?x { 'a\\'#' }",
    "VALUES ?x { '''a\rb#''' }",
    'VALUES ?x { """a"""#""" }',
    "FILTER(?a<?b)",
    "OPTIONAL { ?s ?p ?o }",
    "ex:a ex:b ex:c .",
    "ex:a\\#b ex:b ex:c .",
    "{ } UNION { }",
    "BIND(1 AS ?one)",
]
_RAW = ["{", "}", "<", ">", '"', "'", "\\", "\u2028", "\x85", "SERVICE", "SILENT", "."]


_LISTENER: list[RecordingServer] = []


def _listener() -> RecordingServer:
    if not _LISTENER:  # one for the whole run: a listener per example would cost 0.2 s to stop
        _LISTENER.append(RecordingServer())
    return _LISTENER[0]


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@example(["# note\r"])
@example(["VALUES ?x { <urn:\\u0078#> }"])
@given(st.lists(st.sampled_from(_UNITS) | st.sampled_from(_RAW), min_size=1, max_size=6))
def test_pre_check_sees_every_service_oxigraph_calls(pieces: list[str]) -> None:
    """Whatever text the pre-check passes as local, Oxigraph itself makes no call from it."""
    import pyoxigraph

    from kgraph.sparqlscan import remote_clause

    recorder = _listener()
    url = f"http://127.0.0.1:{recorder.port}/s"
    text = "SELECT * WHERE { " + "".join(pieces) + f" SERVICE <{url}> {{ ?s ?p ?o }} }}"
    if remote_clause(text) is not None:
        return  # refused before evaluation
    before = recorder.connections
    try:
        answer = pyoxigraph.Store().query(text, prefixes={"ex": "http://example.org/"})
        if isinstance(answer, pyoxigraph.QuerySolutions):
            list(answer)
    except (SyntaxError, OSError, RuntimeError):
        pass
    assert recorder.connections == before, repr(text)
