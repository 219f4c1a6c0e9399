"""A ninth QA pass on the console (Playwright driving Debian's Chromium): a finding whose evidence quotes an agent
action's arguments the way Python spells them ({'path': '/etc', 'recursive': True}, 'delete_repo {...}'), whole or
cut short; one argument's list or object quoted compact or in Python's spelling; a quote of a command with a string's
escapes in it (a backslash and an n for each line feed, \\" for a quote), whole or cut at the evidence limit in the
middle of an escape."""

from __future__ import annotations

import ast
import json
from typing import Any

import httpx
import pytest

from tests.browser.test_console import _acme_keys
from tests.browser.test_console import chromium as chromium  # the fixture
from tests.browser.test_console_qa import Live, _console, _escalate, _escalation_id
from tests.browser.test_console_qa import live as live  # the fixture
from tests.browser.test_console_qa6 import _marked, _numbers, _proposed
from tests.browser.test_console_qa7 import _copied, _pretty, _value
from tests.browser.test_console_qa8 import _finding, _lit, _shown, _with_findings

pytestmark = pytest.mark.browser


def _escalations(live: Live, count: int) -> tuple[str, list[str]]:
    """A reviewer's key and ``count`` escalated shell actions (their action and findings are swapped in the page)."""
    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "agent")
        ids = [
            _escalation_id(
                _escalate(
                    http, client, {"action": {"tool": "shell", "input": {"command": f"cat ~/.ssh/id_{n}"}}}, "/v1/actions/reviews"
                )
            )
            for n in range(count)
        ]
    return reviewer, ids


def _hovered(page: Any, n: int) -> list[str]:
    """The stretches lit while the ``n``-th finding (from 0) is hovered."""
    page.locator("ol.findings li").nth(n).hover()
    return _lit(page)


# -- 1: the arguments in Python's spelling ---------------------------------------------------------------------------
LIST = {"tool": "mcp:fs/list_dir", "input": {"path": "/etc", "recursive": True, "mode": None, "depth": 2}}
DELETE = {"tool": "mcp:github/delete_repo", "input": {"name": "prod", "options": {"archive": False, "teams": ["ops"]}}}


def test_a_quote_of_the_arguments_in_pythons_spelling_highlights_each_argument(chromium: str, live: Live) -> None:
    # console QA: a reviewer quoted the arguments as Python prints a dict ({'path': '/etc', 'recursive': True}, the
    # tool's name before it as the policy check writes it): nothing was highlighted, where the same quote in JSON was
    from playwright.sync_api import expect

    reviewer, ids = _escalations(live, 2)
    with _console(chromium, live.url, reviewer) as page:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live.url)
        _with_findings(
            page,
            ids[0],
            LIST,
            [
                _finding("reviewer.python", "{'path': '/etc', 'recursive': True}"),
                _finding("reviewer.named", "list_dir {'depth': 2.0, 'mode': None, 'path': \"/etc\", 'recursive': True}"),
                _finding("reviewer.other_value", "{'path': '/etc', 'recursive': False}"),
                _finding("reviewer.more_text", "{'path': '/etc'} and more"),
            ],
        )
        _with_findings(page, ids[1], DELETE, [_finding("reviewer.python", "delete_repo {'name': 'prod', 'options': {'teams': ['ops'], 'archive': False}}")])

        page.goto(f"{live.url}/console#/e/{ids[0]}")
        expect(_value(page, "depth").locator("mark")).to_have_count(1)
        assert _hovered(page, 0) == ["/etc", "true"]
        assert _hovered(page, 1) == ["/etc", "true", "null", "2"]
        for n in (2, 3):
            assert _hovered(page, n) == [], n
        # each finding's number after the last argument it quotes; the values read and copy as sent
        assert _numbers(_value(page, "recursive")) == ['"1"']
        assert _numbers(_value(page, "depth")) == ['"2"']
        assert _numbers(_value(page, "path")) == [] and _numbers(_value(page, "mode")) == []
        for name, value in LIST["input"].items():
            assert _value(page, name).text_content() == _shown(value), name
        assert _copied(page, _value(page, "path")) == "/etc"

        page.goto(f"{live.url}/console#/e/{ids[1]}")
        options = _value(page, "options")
        expect(options.locator("mark")).to_have_count(1)
        assert _marked(_value(page, "name")) == ["prod"] and _numbers(_value(page, "name")) == []
        assert _marked(options) == [_pretty(DELETE["input"]["options"])] and _numbers(options) == ['"1"']
        assert _copied(page, options) == _pretty(DELETE["input"]["options"])
        expect(_value(page, "tool").locator("mark")).to_have_count(0)


PUSH = {
    "tool": "mcp:github/push_files",
    "input": {"owner": "acme", "force": True, "message": "it's the release <b>notes</b>\n" + "fixed a bug; " * 30},
}


def test_a_python_quote_of_the_arguments_cut_short_highlights_up_to_where_it_stops(chromium: str, live: Live) -> None:
    # a quote in Python's spelling cut at a length inside a string (Python's "…" after it, or not; inside an escape),
    # or inside True: each argument before the cut whole, the one it stops in up to there; a quote cut right after a
    # space (in JSON too) up to and with that space (it was trimmed off)
    from playwright.sync_api import expect

    spelt = repr(PUSH["input"])  # {'owner': 'acme', 'force': True, 'message': "it's the release <b>notes</b>\nfixed …
    assert spelt.startswith("{'owner': 'acme', 'force': True, 'message': \"it's")
    at_escape = spelt.index("\\n") + 1  # after the backslash of \n
    as_json = json.dumps(PUSH["input"])  # and the policy check's JSON, cut after a space (its quote at 300 characters)
    after_space = as_json.index("; ", 150) + 2
    cuts = [spelt[:200], spelt[:199] + "…", spelt[:at_escape], "{'owner': 'acme', 'force': Tr", as_json[:after_space]]
    reviewer, ids = _escalations(live, len(cuts))
    with _console(chromium, live.url, reviewer) as page:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live.url)
        for escalation, cut in zip(ids, cuts, strict=True):
            _with_findings(page, escalation, PUSH, [_finding("reviewer.cut", cut)])
        message = PUSH["input"]["message"]
        kept = ast.literal_eval(spelt[spelt.index('"it') : 199] + '"')  # the message as far as the first two quotes keep it
        for escalation, lit in (
            (ids[0], ["acme", "true", message[: len(kept) + 1]]),
            (ids[1], ["acme", "true", kept]),
            (ids[2], ["acme", "true", "it's the release <b>notes</b>"]),
            (ids[3], ["acme", "tr"]),
            (ids[4], ["acme", "true", json.loads(as_json[as_json.index('"it') : after_space] + '"')]),
        ):
            page.goto(f"{live.url}/console#/e/{escalation}")
            expect(_proposed(page).locator("mark")).to_have_count(len(lit))
            assert _hovered(page, 0) == lit, escalation
            last = _value(page, "message" if len(lit) == 3 else "force")
            assert _numbers(last) == ['"1"'] and _numbers(_value(page, "owner")) == []
            assert _value(page, "message").text_content() == message
            assert _copied(page, _value(page, "message")) == message
            expect(_proposed(page).locator("b")).to_have_count(0)  # text, never markup


# -- 2: one argument's list or object, compact or in Python's spelling -------------------------------------------
KUBECTL = {
    "tool": "mcp:kubernetes/kubectl",
    "input": {"args": ["delete", "ns", "prod"], "options": {"wait": False, "labels": {"team": "ops", "tier": 1}}},
}


def test_one_arguments_list_or_object_quoted_compact_or_in_python(chromium: str, live: Live) -> None:
    # console QA: a reviewer quoted the argv list as Python prints it (['delete', 'ns', 'prod']) or an object inside
    # an argument as compact JSON, which the pretty-printed argument does not show: nothing was highlighted
    from playwright.sync_api import expect

    reviewer, ids = _escalations(live, 1)
    labels = _pretty(KUBECTL["input"]["options"]["labels"]).replace("\n", "\n  ")  # as nested in the shown JSON
    with _console(chromium, live.url, reviewer) as page:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live.url)
        _with_findings(
            page,
            ids[0],
            KUBECTL,
            [
                _finding("reviewer.argv", "['delete', 'ns', 'prod']"),
                _finding("reviewer.labels", 'kubectl {"tier":1.0,"team":"ops"}'),
                _finding("reviewer.other", "['delete', 'ns', 'dev']"),
            ],
        )
        page.goto(f"{live.url}/console#/e/{ids[0]}")
        argv, options = _value(page, "args"), _value(page, "options")
        expect(_proposed(page).locator("mark")).to_have_count(2)
        assert _marked(argv) == [_pretty(KUBECTL["input"]["args"])] and _numbers(argv) == ['"1"']
        assert _marked(options) == [labels] and _numbers(options) == ['"2"']
        assert _hovered(page, 2) == []
        assert _copied(page, options) == _pretty(KUBECTL["input"]["options"])
        assert _copied(page, argv) == _pretty(KUBECTL["input"]["args"])


# -- 3: a command quoted with a string's escapes -------------------------------------------------------------------
COMMAND = 'cd /srv/app\nrm -rf ~/.cache && echo "done <b>x</b>"\n' + "\n".join(f"echo step {n}" for n in range(60))


def test_a_quote_of_a_command_with_escaped_line_feeds_and_quotes(chromium: str, live: Live) -> None:
    # console QA: a reviewer that read the action as JSON quoted a command of several lines with "\n" for each line
    # feed and \" for each quote, or the command as one string literal; cut at 400 characters with "…" (as the
    # service cuts an action's evidence), inside an escape: none of these was highlighted
    from playwright.sync_api import expect

    spelt = json.dumps(COMMAND)[1:-1]
    cut = spelt[:399] + "…"
    at_escape = spelt.index("\\n", 300) + 1
    assert len(spelt) > 400 and spelt[at_escape - 1] == "\\"
    reviewer, ids = _escalations(live, 2)
    action = {"tool": "shell", "input": {"command": COMMAND}, "cwd": "/srv/app"}
    with _console(chromium, live.url, reviewer) as page:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live.url)
        _with_findings(
            page,
            ids[0],
            action,
            [
                _finding("reviewer.lines", "cd /srv/app\\nrm -rf ~/.cache"),
                _finding("reviewer.quotes", 'echo \\"done <b>x</b>\\"'),
                _finding("reviewer.literal", "'rm -rf ~/.cache'"),
                _finding("reviewer.absent", "cd /srv/app\\nrm -rf /"),
            ],
        )
        _with_findings(
            page, ids[1], action, [_finding("reviewer.cut", cut), _finding("reviewer.in_escape", spelt[:at_escape] + "…")]
        )
        page.goto(f"{live.url}/console#/e/{ids[0]}")
        command = _value(page, "command")
        assert "".join(_hovered(page, 0)) == "cd /srv/app\nrm -rf ~/.cache"
        assert "".join(_hovered(page, 1)) == 'echo "done <b>x</b>"'
        assert "".join(_hovered(page, 2)) == "rm -rf ~/.cache"
        assert _hovered(page, 3) == []
        expect(_value(page, "cwd").locator("mark")).to_have_count(0)
        assert command.text_content() == COMMAND
        assert _copied(page, command) == COMMAND
        expect(_proposed(page).locator("b")).to_have_count(0)

        page.goto(f"{live.url}/console#/e/{ids[1]}")
        command = _value(page, "command")
        kept = json.loads('"' + spelt[:399] + '"') if not spelt[:399].endswith("\\") else None
        assert kept is not None and COMMAND.startswith(kept)
        assert "".join(_hovered(page, 0)) == kept
        assert "".join(_hovered(page, 1)) == json.loads('"' + spelt[: at_escape - 1] + '"')
        assert _numbers(command) == ['"2"', '"1"']
        assert _copied(page, command) == COMMAND
