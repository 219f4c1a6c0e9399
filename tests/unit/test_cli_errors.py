"""The `oversight` command's answers to ordinary mistakes: one clear line, exit code 2, never a traceback.

File mistakes are usage errors checked by typer itself; configuration mistakes (a bad variable, a missing key,
a data folder that is a file) are reported by the root group naming the variable or option. The commands that
open the store share `--data-dir`.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any, get_args

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from service.cli import app
from tests.audit._helpers import session, write_jsonl

EXE = Path(sys.executable).with_name("oversight")
GOOD = {"id": "req-1", "messages": [{"role": "user", "content": "Name my cat"}], "output": "How about Miso?"}
WIDE = {"COLUMNS": "400"}  # rich wraps help to the terminal: wide enough that only our own line breaks show


def console(args: list[str], cwd: Path, env: dict[str, str] | None = None,
            stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    """The real console script, in a clean environment (no vendor key, embedded defaults)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("OVERSIGHT_", "ANTHROPIC_", "OPENAI_", "OTEL_"))}
    full = {**base, "OTEL_TRACES_EXPORTER": "none", "COLUMNS": "200", **(env or {})}
    return subprocess.run([str(EXE), *args], input=stdin.decode() if stdin else None, capture_output=True,
                          text=True, env=full, cwd=cwd, timeout=120, check=False)


def invoke(args: list[str], env: dict[str, str] | None = None, stdin: str | None = None) -> Any:
    return CliRunner().invoke(app, args, env={**WIDE, **(env or {})}, input=stdin)


def assert_one_clear_line(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "Error:" not in result.stderr.replace("╭─ Error", "")
    assert len(result.stderr.strip().splitlines()) <= 5, result.stderr  # typer's usage box at most
    for needle in needles:
        assert needle in result.stderr, result.stderr


# -- 1. file mistakes are usage errors ----------------------------------------------------------------------
def test_review_file_mistakes_name_the_option_and_the_path(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(GOOD) + "\n")
    (tmp_path / "a-folder").mkdir()
    missing = console(["review", "--input", "nope.jsonl", "--output", "x.jsonl"], tmp_path)
    assert_one_clear_line(missing, "--input", "nope.jsonl", "No such file")
    folder = console(["review", "--input", str(src), "--output", "a-folder"], tmp_path)
    assert_one_clear_line(folder, "--output", "a-folder", "Is a directory")
    no_parent = console(["review", "--input", str(src), "--output", str(tmp_path / "nope" / "d.jsonl")], tmp_path)
    assert_one_clear_line(no_parent, "--output", "d.jsonl", "No such file")
    assert not (tmp_path / ".oversight").exists()  # nothing was opened


# -- 2. configuration mistakes name the variable ----------------------------------------------------------
@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """`serve` runs everything up to uvicorn.run; the call is recorded instead of binding a port."""
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: calls.append({"target": target, **kw}))
    monkeypatch.delenv("OVERSIGHT_DATA_DIR", raising=False)  # serve --data-dir sets it: restored afterwards
    monkeypatch.setenv("OVERSIGHT_PORT", str(_free_port()))  # serve checks it can bind its port before starting
    return calls


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_names_a_port_another_server_listens_on_before_starting(no_server: list[dict[str, Any]]) -> None:
    # uvicorn found it only after the app had started and opened its store, and exited 3 naming nothing
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        by_option = invoke(["serve", "--port", str(port)])
        by_env = invoke(["serve"], env={"OVERSIGHT_PORT": str(port)})
    assert by_option.exit_code == 2, by_option.output
    assert f"--port={port}: cannot bind 127.0.0.1:{port}" in by_option.output and "another server" in by_option.output
    assert by_env.exit_code == 2 and f"OVERSIGHT_PORT={port}: cannot bind" in by_env.output
    assert no_server == []


def test_serve_names_a_host_it_cannot_bind(no_server: list[dict[str, Any]]) -> None:
    result = invoke(["serve"], env={"OVERSIGHT_HOST": "999.1.1.1"})
    assert result.exit_code == 2, result.output
    assert result.output.startswith("oversight: OVERSIGHT_HOST='999.1.1.1': not an interface address or host name")
    assert no_server == []


BAD_SETTINGS = [
    ({"OVERSIGHT_MAX_CHARS": "abc"}, ["OVERSIGHT_MAX_CHARS='abc'", "a whole number of 100 or more"]),
    ({"OVERSIGHT_CROSS_MODEL": "deny"}, ["OVERSIGHT_CROSS_MODEL='deny'", "warn or refuse"]),
    ({"OVERSIGHT_REVIEWER": "bogus"}, ["OVERSIGHT_REVIEWER='bogus'", "local, anthropic:MODEL"]),
    ({"OVERSIGHT_REVIEWER": "anthropic:claude-opus-4-6"}, ["ANTHROPIC_API_KEY"]),
    ({"OVERSIGHT_REVIEWER": "local:gpt-5"}, ["OVERSIGHT_REVIEWER='local:gpt-5'", "one model, 'rules-v1'"]),
    ({"OVERSIGHT_PORT": "99999"}, ["OVERSIGHT_PORT='99999'", "from 1 to 65535"]),
    ({"OVERSIGHT_DATABASE_URL": "mysql://user:secret@db/x"}, ["OVERSIGHT_DATABASE_URL", "postgresql://"]),
    ({"ANTHROPIC_BASE_URL": "localhost:8760"}, ["ANTHROPIC_BASE_URL='localhost:8760'", "http:// or https://"]),
    ({"OPENAI_BASE_URL": "ftp://user:secret@gw/v1"}, ["OPENAI_BASE_URL='ftp://***@gw/v1'", "http:// or https://"]),
    ({"OVERSIGHT_OPENAI_COMPATIBLE_BASE_URL": "http://"}, ["OVERSIGHT_OPENAI_COMPATIBLE_BASE_URL='http://'", "host"]),
]
COMMANDS = [["serve"], ["review"], ["keys", "list"], ["worker", "--exit-when-idle"], ["audit", "--resume"]]


CASES = [
    pytest.param(command, env, needles, id=f"{next(iter(env))}-{command[0]}")
    for env, needles in BAD_SETTINGS
    for command in COMMANDS
    if not ("ANTHROPIC_API_KEY" in needles and command[0] == "keys")  # keys never build a reviewer
]


@pytest.mark.parametrize(("command", "env", "needles"), CASES)
def test_every_command_reports_a_bad_setting_in_one_line(
    command: list[str], env: dict[str, str], needles: list[str], no_server: list[dict[str, Any]], tmp_path: Path
) -> None:
    result = invoke([*command], env={"OVERSIGHT_DATA_DIR": str(tmp_path / "data"), **env}, stdin="")
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("oversight: "), result.output
    for needle in needles:
        assert needle in lines[0]
    assert "secret" not in result.output  # a URL's password is never echoed
    assert no_server == []


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("command", [["serve"], ["review"], ["keys", "list"], ["worker", "--exit-when-idle"]])
def test_an_unreachable_database_is_one_line_naming_the_variable(
    command: list[str], no_server: list[dict[str, Any]], tmp_path: Path
) -> None:
    # before: an 80-133 line traceback ending in "PoolTimeout: pool initialization incomplete after 10 sec", exit
    # 1 or 3, the variable never named
    url = f"postgresql://postgres:secret@127.0.0.1:{_closed_port()}/qa_unreachable"
    result = invoke(command, env={"OVERSIGHT_DATABASE_URL": url}, stdin='{"output": "hi"}\n')
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("oversight: OVERSIGHT_DATABASE_URL: cannot use the PostgreSQL database at 127.0.0.1:")
    assert "/qa_unreachable" in lines[0] and "secret" not in result.output
    assert no_server == []


@pytest.mark.parametrize(("env", "needle"), [
    ({"OVERSIGHT_AUDIT_WORKERS": "maybe"}, "OVERSIGHT_AUDIT_WORKERS='maybe': use true or false"),
    ({"OVERSIGHT_DRIFT_ALPHA": "2"}, "OVERSIGHT_DRIFT_ALPHA='2': use a number above 0, below 1"),
    ({"OVERSIGHT_POLICY_DIR": "/nonexistent/policies"}, "OVERSIGHT_POLICY_DIR: /nonexistent/policies does not exist"),
    # a model API base URL the SDK would accept and then fail every review with ("Connection error.", retried)
    ({"ANTHROPIC_BASE_URL": "localhost:8760"},
     "ANTHROPIC_BASE_URL='localhost:8760': use an http:// or https:// URL with a host (no http:// or https:// in front)"),
    ({"OVERSIGHT_ANTHROPIC_BASE_URL": "ftp://x"},
     "OVERSIGHT_ANTHROPIC_BASE_URL='ftp://x': use an http:// or https:// URL with a host (ftp:// is neither)"),
    ({"OPENAI_BASE_URL": "ftp://x"}, "OPENAI_BASE_URL='ftp://x': use an http:// or https:// URL with a host (ftp:// is neither)"),
    ({"OVERSIGHT_OPENAI_COMPATIBLE_BASE_URL": "127.0.0.1:8000/v1"}, "OVERSIGHT_OPENAI_COMPATIBLE_BASE_URL='127.0.0.1:8000/v1': "
     "use an http:// or https:// URL with a host (no http:// or https:// in front)"),
    # served before, and then every alert failed, no console link worked, the cost counter went without prices
    ({"OVERSIGHT_DRIFT_WEBHOOK_URL": "notaurl"},
     "OVERSIGHT_DRIFT_WEBHOOK_URL='notaurl': use an http:// or https:// URL with a host (no http:// or https:// in front)"),
    ({"OVERSIGHT_JAEGER_URL": "jaeger:16686"},
     "OVERSIGHT_JAEGER_URL='jaeger:16686': use an http:// or https:// URL with a host (no http:// or https:// in front)"),
    ({"OVERSIGHT_MODEL_PRICES": "garbage"},
     "OVERSIGHT_MODEL_PRICES='garbage': use a JSON object of [input, output, cache_read, cache_write] prices per model "
     'prefix, e.g. {"gpt-x": [1.25, 10]} (not JSON: Expecting value: line 1 column 1 (char 0))'),
    ({"OVERSIGHT_MODEL_PRICES": '{"gpt-x": [1, "a lot"]}'},
     "OVERSIGHT_MODEL_PRICES='{\"gpt-x\": [1, \"a lot\"]}': use a JSON object of [input, output, cache_read, "
     "cache_write] prices per model prefix, e.g. {\"gpt-x\": [1.25, 10]} ('gpt-x': a price that is not a number of "
     "0 or more)"),
])
def test_serve_checks_the_services_own_variables_before_binding(env: dict[str, str], needle: str,
                                                                no_server: list[dict[str, Any]]) -> None:
    result = invoke(["serve"], env=env)
    assert result.exit_code == 2 and result.output.strip() == f"oversight: {needle}" and no_server == []

def test_data_dir_that_is_a_file_names_the_variable_or_the_option(no_server: list[dict[str, Any]],
                                                                   tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("")
    by_env = invoke(["review"], env={"OVERSIGHT_DATA_DIR": str(afile)}, stdin="")
    assert by_env.exit_code == 2 and f"OVERSIGHT_DATA_DIR: {afile} is a file, not a folder" in by_env.output
    for command in (["serve"], ["review"], ["keys", "list"], ["worker"], ["audit", "--resume"]):
        by_option = invoke([*command, "--data-dir", str(afile)], stdin="")
        assert by_option.exit_code == 2 and "'--data-dir'" in by_option.output and "is a file" in by_option.output
    assert no_server == []


@pytest.mark.parametrize("command", [["keys", "list"], ["review"], ["serve"]])
def test_a_data_dir_that_cannot_be_made_is_one_line_naming_the_variable(
    command: list[str], no_server: list[dict[str, Any]]
) -> None:
    # /proc lets access() say yes and then refuses mkdir: a traceback (exit 1, serve's uvicorn exit 3) before.
    result = invoke(command, env={"OVERSIGHT_DATA_DIR": "/proc/oversight-nope"}, stdin="")
    assert result.exit_code == 2 and no_server == []
    assert result.output.strip() == "oversight: OVERSIGHT_DATA_DIR: /proc/oversight-nope cannot be created " \
        "(No such file or directory)"


def test_the_console_script_prints_no_traceback_for_configuration_errors(tmp_path: Path) -> None:
    missing_key = console(["review"], tmp_path, {"OVERSIGHT_REVIEWER": "anthropic:claude-opus-4-6"},
                          stdin=b'{"output": "x"}\n')
    assert missing_key.returncode == 2 and missing_key.stderr.strip().splitlines() == [
        "oversight: the anthropic reviewer needs an API key: set ANTHROPIC_API_KEY (or OVERSIGHT_ANTHROPIC_API_KEY)"
    ]
    bogus = console(["serve"], tmp_path, {"OVERSIGHT_REVIEWER": "bogus"})
    assert bogus.returncode == 2 and len(bogus.stderr.strip().splitlines()) == 1 and "OVERSIGHT_REVIEWER" in bogus.stderr
    afile = tmp_path / "afile"
    afile.write_text("")
    assert_one_clear_line(console(["serve", "--data-dir", str(afile)], tmp_path), "--data-dir", "is a file")


# -- 3. one --data-dir for every command that opens the store --------------------------------------------
def test_a_key_made_with_the_services_data_dir_closes_the_service(no_server: list[dict[str, Any]],
                                                                    tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "x"
    served = invoke(["serve", "--data-dir", str(data)])
    assert served.exit_code == 0, served.output
    assert no_server and no_server[0]["target"] == "service.asgi:app"
    created = invoke(["keys", "create", "--data-dir", str(data), "--tenant", "acme", "--role", "admin"])
    assert created.exit_code == 0, created.output
    assert (data / "oversight.sqlite").exists() and not (tmp_path / ".oversight").exists()
    listed = invoke(["keys", "list", "--data-dir", str(data)])
    assert "acme" in listed.output and "admin" in listed.output
    assert "no keys" in invoke(["keys", "list", "--data-dir", str(tmp_path / "other")]).output

    from service.main import create_app
    from service.settings import get_settings

    get_settings.cache_clear()
    with TestClient(create_app()) as client:  # configured as `serve --data-dir x` configured the app
        assert client.get("/v1/escalations").status_code == 401  # not open: the key is in its store


def test_review_stores_decisions_in_the_data_dir_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    help_text = invoke(["review", "--help"]).output
    assert "--data-dir" in help_text and "Every decision is also stored" in help_text
    assert ".oversight/oversight.sqlite" in help_text and "OVERSIGHT_DATABASE_URL" in help_text
    data = tmp_path / "d"
    first = invoke(["review", "--data-dir", str(data)], stdin=json.dumps(GOOD) + "\n")
    assert first.exit_code == 0, first.output
    assert (data / "oversight.sqlite").exists() and not (tmp_path / ".oversight").exists()
    again = invoke(["review", "--data-dir", str(data)], stdin=json.dumps(GOOD) + "\n")
    first_id = json.loads(first.stdout.splitlines()[0])["review_id"]
    assert json.loads(again.stdout.splitlines()[0])["review_id"] == first_id  # answered from that store


def test_audit_and_worker_share_the_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    data, out = tmp_path / "jobs", tmp_path / "report"
    sessions = write_jsonl(tmp_path / "s.jsonl", [session("a1", "2026.03"), session("a2", "2026.05", "refusal")])
    submitted = invoke(["audit", str(sessions), "--out", str(out), "--submit-only", "--data-dir", str(data)])
    assert submitted.exit_code == 0, submitted.output
    job_id = submitted.stdout.strip().splitlines()[-1]
    assert (data / "oversight.sqlite").exists() and not (tmp_path / ".oversight").exists()
    worked = invoke(["worker", "--job", job_id, "--data-dir", str(data)])
    assert worked.exit_code == 0 and f"{job_id}: reviewed 2 turns" in worked.output
    resumed = invoke(["audit", "--resume", "--out", str(out), "--data-dir", str(data)])
    assert resumed.exit_code == 0, resumed.output
    assert json.loads((out / "report.json").read_text())["totals"]["turns"] == 2
    assert not (tmp_path / ".oversight").exists()


# -- 5. gate --------------------------------------------------------------------------------------------------
def test_gate_needs_explicit_thresholds_and_names_an_invalid_report(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # outside the repository: no suites/gate.yaml here
    report = tmp_path / "report.json"
    report.write_text("{not json")
    no_thresholds = invoke(["gate", "--baseline", str(report)])
    assert no_thresholds.exit_code == 2 and "Missing option '--thresholds'" in no_thresholds.output
    thresholds = tmp_path / "gate.yaml"
    thresholds.write_text("triggers:\n  - metric: refusal\n")
    bad = invoke(["gate", "--baseline", str(report), "--thresholds", str(thresholds)])
    assert bad.exit_code == 2 and "'--baseline'" in bad.output and "report.json is not valid JSON" in bad.output
    missing = invoke(["gate", "--baseline", str(tmp_path / "nope.json"), "--thresholds", str(thresholds)])
    assert missing.exit_code == 2 and "'--baseline'" in missing.output and "nope.json" in missing.output


# -- 6. help texts -------------------------------------------------------------------------------------------
def _all_commands(group: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, sub in getattr(group, "commands", {}).items():
        found += _all_commands(sub, (*path, name))
    return found


def test_help_has_whole_sentences_real_choices_and_no_type_placeholders_on_flags() -> None:
    from typer.main import get_command

    audit = invoke(["audit", "--help"]).output
    assert "Interrupted? Run again with --resume: finished turns are kept" in audit
    assert "write the report to the --out folder" in audit and " OUT" not in audit and "OUT/" not in audit
    assert "<auto|sessions|codex|claude-code>" in audit
    assert "<client|reviewer|admin>" in invoke(["keys", "create", "--help"]).output
    worker = invoke(["worker", "--help"]).output
    assert "JOB_ID" in worker and "<list[str]>" not in worker
    assert "--concurrency" in worker and "Reviews in flight in this process." in worker
    for path in _all_commands(get_command(app)):
        shown = invoke([*path, "--help"])
        assert shown.exit_code == 0, path
        assert "<bool>" not in shown.output, path


@pytest.mark.parametrize(
    ("args", "option", "choices"),
    [
        (["keys", "create", "--tenant", "acme", "--role", "bogus"], "--role", "'client', 'reviewer', 'admin'"),
        (["audit", "x.jsonl", "--format", "bogus"], "--format", "'auto', 'sessions', 'codex', 'claude-code'"),
    ],
)
def test_a_wrong_choice_is_named_with_the_choices_and_no_validator_wording(
    tmp_path: Path, args: list[str], option: str, choices: str
) -> None:
    # First-run QA: typer said "Invalid value for '--role': Value error, 'bogus' is not one of …", pydantic's words
    # for a failed validator, as if the tool had failed.
    result = invoke([*args, "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == 2
    said = " ".join(result.output.replace("│", " ").split())
    assert f"Invalid value for '{option}': 'bogus' is not one of {choices}." in said
    assert "Value error" not in said


def test_role_choices_are_the_service_roles() -> None:
    from service.auth import ROLES
    from service.cli_keys import Role

    assert get_args(Role) == ROLES


def test_version() -> None:
    from service import __version__

    shown = invoke(["--version"])
    assert shown.exit_code == 0 and shown.output.strip() == f"oversight {__version__}"


# -- 7. serve's numbers -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("args", "needle"), [
    (["--port", "99999"], "'--port'"), (["--port", "0"], "'--port'"), (["--workers", "0"], "'--workers'"),
])
def test_serve_rejects_impossible_ports_and_worker_counts(args: list[str], needle: str,
                                                          no_server: list[dict[str, Any]]) -> None:
    result = invoke(["serve", *args])
    assert result.exit_code == 2 and needle in result.output and no_server == []


def test_serve_passes_its_options_to_uvicorn(no_server: list[dict[str, Any]]) -> None:
    result = invoke(["serve", "--port", "8123", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert no_server[0]["port"] == 8123 and no_server[0]["workers"] == 2 and no_server[0]["log_level"] == "info"


def test_opus_4_and_4_1_are_priced_at_their_own_list_price() -> None:
    # Every claude-opus-4* was priced as Opus 4.5 ($5 / $25 per million tokens): Opus 4 and 4.1 list at $15 / $75,
    # so their estimated cost was a third of the bill.
    from service.metrics import DEFAULT_PRICES, price_of

    assert price_of(DEFAULT_PRICES, "claude-opus-4-6") == (5.0, 25.0, 0.5, 6.25)
    assert price_of(DEFAULT_PRICES, "claude-opus-4-5-20251101") == (5.0, 25.0, 0.5, 6.25)
    for opus in ("claude-opus-4-20250514", "claude-opus-4-0", "claude-opus-4-1", "claude-opus-4-1-20250805"):
        assert price_of(DEFAULT_PRICES, opus) == (15.0, 75.0, 1.5, 18.75), opus
    assert price_of(DEFAULT_PRICES, "gpt-5") is None
