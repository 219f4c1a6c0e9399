"""Hosts in agent actions, however they are spelt, and sandbox grants in shapes the analyser cannot read.

Through ``analyse_action``, the public entry point of the local action analysis (docs/actions.md)."""

from __future__ import annotations

from typing import Any

import pytest

from service.policy.action_model import ActionPolicy
from service.policy.actions import MAX_GRANT_PATHS, ActionAnalysis, analyse_action
from service.policy.net import canonical_host, is_cloud_metadata
from service.vocabulary import Risk, Severity

POLICY = ActionPolicy(allowed_hosts=["pypi.org", "github.com", "api.github.com"])
CWD = "/home/dev/shop"
METADATA = "tool_use.credential_access.cloud_metadata"
UNPARSEABLE = "tool_use.unparseable"
CREDS = "/latest/meta-data/iam/security-credentials/"

# 169.254.169.254 as the C resolver (inet_aton: 1-4 parts, decimal / 0x hex / 0 octal) and URL parsers read it
IMDS_SPELLINGS = [
    "2852039166",
    "0xa9fea9fe",
    "0XA9FEA9FE",
    "0251.0376.0251.0376",
    "169.254.43518",
    "169.16689662",
    "0xa9.0xfe.0xa9.0xfe",
    "0xa9.254.0251.254",
    "[::ffff:a9fe:a9fe]",
    "[0:0:0:0:0:ffff:169.254.169.254]",
    "169.254.169.254.",  # the DNS root
    "%31%36%39.254.169.254",  # a browser's URL parser decodes the host
    "１６９。２５４。１６９。２５４",  # full-width, mapped by IDNA
]


def analyse(tool: str, inp: dict[str, Any]) -> ActionAnalysis:
    return analyse_action(tool, inp, CWD, POLICY)


def rules(a: ActionAnalysis) -> set[str]:
    return {f.rule for f in a.findings}


def shape(a: ActionAnalysis) -> tuple[set[tuple[str, Severity]], Risk]:
    return {(f.rule, f.severity) for f in a.findings}, a.risk


# --- cloud metadata --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("host", IMDS_SPELLINGS)
def test_every_spelling_of_the_metadata_address_is_treated_like_the_dotted_form(host: str) -> None:
    # Before: approve with only network_egress.unlisted_host (the check matched the dotted text).
    url = f"http://{host}{CREDS}"
    dotted = "http://169.254.169.254" + CREDS
    for tool, inp, same in (
        ("shell", {"command": f"curl -s '{url}'"}, {"command": f"curl -s '{dotted}'"}),
        ("http_request", {"method": "GET", "url": url}, {"method": "GET", "url": dotted}),
        ("WebFetch", {"url": url, "prompt": "read it"}, {"url": dotted, "prompt": "read it"}),  # Claude Code's name
        ("mcp:fetch/fetch", {"url": url}, {"url": dotted}),
    ):
        a = analyse(tool, inp)
        assert METADATA in rules(a) and a.risk is Risk.high, (tool, a.findings)
        assert shape(a) == shape(analyse(tool, same)), tool


@pytest.mark.parametrize(
    "url",
    [
        "http://[fd00:ec2::254]" + CREDS,  # AWS IMDS over IPv6
        "http://[FD00:EC2:0::254]" + CREDS,
        "http://[fd00:ec2::254%25eth0]" + CREDS,  # with a zone
        "http://[fd00:ec2::23]/v1/credentials",  # EKS Pod Identity over IPv6
        "http://169.254.170.2/v2/credentials/1234",  # ECS task credentials: link-local, like every IMDS
        "http://METADATA.GOOGLE.INTERNAL./computeMetadata/v1/instance/service-accounts/default/token",
        "http://instance-data.ec2.internal/latest/meta-data/",
        "http://0x646464c8/latest/meta-data/",  # 100.100.100.200 (Alibaba Cloud) as hex
        "http://169.254.169.254\\@example.com" + CREDS,  # a browser reads the host before the backslash
        "http://user@2852039166:80" + CREDS,
    ],
)
def test_other_metadata_services_and_url_forms_are_caught(url: str) -> None:
    for tool, inp in (
        ("shell", {"command": f"curl -s '{url}'"}),
        ("http_request", {"method": "GET", "url": url}),
    ):
        a = analyse(tool, inp)
        assert METADATA in rules(a) and a.risk is Risk.high, (tool, url, a.findings)


@pytest.mark.parametrize(
    "command",
    [
        "curl -s 0xa9fea9fe" + CREDS,  # no scheme: curl guesses http://
        "wget -qO- http://2852039166" + CREDS,
        "curl --resolve metadata.example:80:2852039166 http://metadata.example" + CREDS,
        "curl --connect-to example.org:80:0xa9fea9fe:80 http://example.org" + CREDS,
        "curl -x http://0xa9fea9fe:80 http://example.org" + CREDS,
        "printf 'GET /latest/meta-data/ HTTP/1.0\\r\\n\\r\\n' | nc 2852039166 80",
        "socat - 'TCP:[fd00:ec2::254]:80'",
        "python3 -c \"import urllib.request as u; print(u.urlopen('http://0xa9fea9fe/latest/meta-data/').read())\"",
        "python3 -c \"import socket; socket.create_connection(('169.254.169.254', 80))\"",  # the usual text, no URL
        "git clone http://0xa9fea9fe/repo.git",
        "pip install --index-url http://2852039166/simple requests",
        "ssh ec2-user@0xa9fea9fe",
    ],
)
def test_metadata_spellings_are_caught_wherever_a_command_names_a_host(command: str) -> None:
    a = analyse("shell", {"command": command})
    assert METADATA in rules(a) and a.risk is Risk.high, a.findings


@pytest.mark.parametrize(
    "host", ["0x7f000001", "2130706433", "0177.0.0.1", "127.1", "[::ffff:127.0.0.1]", "localhost."]
)
def test_loopback_in_any_spelling_is_this_machine_like_127_0_0_1(host: str) -> None:
    # Before: these were unlisted hosts while http://127.0.0.1 was not; one normalisation for every host.
    a = analyse("http_request", {"method": "GET", "url": f"http://{host}:8000/health"})
    assert shape(a) == shape(analyse("http_request", {"method": "GET", "url": "http://127.0.0.1:8000/health"}))
    assert a.findings == []


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/org/repo",
        "https://api.github.com/repos/x",
        "https://pypi.org/simple/",
        "http://0x10.example.com/",  # a name that merely starts like a number
        "https://1password.com/",
        "http://cafe.babe/",
        "http://169.253.169.254/",  # next to, not in, the link-local range
        "http://[fd00:ec3::254]/",
    ],
)
def test_ordinary_hosts_are_not_metadata(url: str) -> None:
    assert METADATA not in rules(analyse("http_request", {"method": "GET", "url": url}))
    assert METADATA not in rules(analyse("shell", {"command": f"curl -s '{url}'"}))


def test_resolver_text_after_a_space_is_not_an_address() -> None:
    # glibc's inet_aton, and so socket.inet_aton on Linux, accepts "169.254.169.254 junk"; a host never holds a space
    assert canonical_host("169.254.169.254 junk") == "169.254.169.254 junk"
    assert not is_cloud_metadata("169.254.169.254 junk") and not is_cloud_metadata("2852039166\tx")
    assert canonical_host("0xA9FEA9FE") == "169.254.169.254" and canonical_host("[FD00:EC2:0::254]") == "fd00:ec2::254"
    assert canonical_host("GitHub.com.") == "github.com"


def test_hosts_in_findings_are_named_in_their_canonical_spelling() -> None:
    a = analyse("shell", {"command": "curl -s http://0x0a000005:8080/status"})
    assert [f.message for f in a.findings] == ["Contacts an unlisted host (10.0.0.5)."]


# --- sandbox grants --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("grant", "field", "expected"),
    [
        ({"write": {"/": True}}, "input.write", "list of folder paths"),
        ({"write": [["/"]]}, "input.write", "list of folder paths"),
        ({"write": ["build", 5]}, "input.write", "list of folder paths"),
        ({"write": [""]}, "input.write", "list of folder paths"),
        ({"read": 5}, "input.read", "list of folder paths"),
        ({"read": True}, "input.read", "list of folder paths"),
        ({"network": "yes"}, "input.network", "true or false"),
        ({"network": "true"}, "input.network", "true or false"),
        ({"network": 1}, "input.network", "true or false"),
        ({"network": ["*"]}, "input.network", "true or false"),
        ({"network": {"enabled": True}}, "input.network", "true or false"),
        ({"write": ["build"], "scope": "forever"}, "input.scope", '"turn" or "session"'),
        ({"write": ["build"], "execute": ["/"]}, "input.execute", "read, write, network, scope"),
    ],
)
def test_a_grant_the_analyser_cannot_read_is_never_approved(grant: dict[str, Any], field: str, expected: str) -> None:
    # Before: no findings at all (approve): only `write: ["/"]`-shaped values were looked at.
    a = analyse("sandbox_grant", grant)
    assert a.unparseable and a.risk is Risk.high
    (finding,) = [f for f in a.findings if f.rule == UNPARSEABLE]
    assert finding.severity is Severity.high
    assert field in finding.message and expected in finding.message, finding.message


def test_the_readable_part_of_a_malformed_grant_is_still_judged() -> None:
    a = analyse("sandbox_grant", {"write": ["/", {"path": "/etc"}]})
    assert rules(a) == {UNPARSEABLE, "tool_use.privilege_escalation.sandbox_write_grant"}
    assert a.max_severity is Severity.critical  # so the decision is block, not only escalate


def test_a_grant_longer_than_the_analyser_reads_is_not_approved() -> None:
    # Before: folders after the 100th were silently dropped, so `/` in 101st place was approved.
    folders = [f"build/{i}" for i in range(MAX_GRANT_PATHS)] + ["/"]
    a = analyse("sandbox_grant", {"write": folders})
    assert a.unparseable and any(str(MAX_GRANT_PATHS) in f.message for f in a.findings if f.rule == UNPARSEABLE)


@pytest.mark.parametrize(
    ("grant", "found"),
    [
        ({"write": ["build"], "read": []}, set()),  # what the Codex integration sends
        ({"write": ["build"], "network": False, "scope": "turn"}, set()),
        ({"write": ["build"], "scope": "Session"}, set()),
        ({"write": ["build"], "read": None, "network": None}, set()),
        ({"write": "/"}, {"tool_use.privilege_escalation.sandbox_write_grant"}),  # one path as a string, as before
        ({"write": ["/"]}, {"tool_use.privilege_escalation.sandbox_write_grant"}),
        ({"network": True}, {"tool_use.network_egress.sandbox_network_grant"}),
    ],
)
def test_documented_grant_shapes_are_judged_as_before(grant: dict[str, Any], found: set[str]) -> None:
    a = analyse("sandbox_grant", grant)
    assert rules(a) == found and not a.unparseable
