"""An expansion glued into a command name (QA hooks report, H3): ``r$(true)m -rf ~`` was approved with only a
medium ``obfuscation.dynamic_command`` (service/policy/shell.py through ``analyse_action``).

1. Expansions known to give nothing are put in as nothing: ``$(true)``, ``$(:)``, ``$(echo)``, a substring of
   length 0 (``${X:0:0}``, ``${PWD:1:0}``), and ``$@``/``$*`` on the command line itself (the agent's shell is
   given no arguments; a function's, ``sh -c``'s and a written script's own arguments are kept apart). An unquoted
   word that expands to nothing is dropped, as bash drops it (``${UNSET:-} rm -rf ~`` runs ``rm``). So
   ``r$(true)m -rf ~`` is ``rm -rf ~``: critical.
2. A command name that stays unknown (``r${X}m``, ``r${!X}m``, ``$(f)``) is judged by its arguments: read as
   ``rm`` (when they carry rm's ``-r``/``-f`` options) or as a command of their own (the name empty or a wrapper:
   ``$X rm -rf ~``), a high or critical finding makes ``dynamic_command`` high, so the action escalates.
3. ``env NAME=value CMD`` gives CMD the variable, as a ``NAME=value CMD`` prefix does:
   ``env RM=rm sh -c '$RM -rf ~'``.

Each dangerous case has an everyday twin that stays approved. The commands are only ever analysed here."""

from __future__ import annotations

import pytest

from service.vocabulary import Severity
from tests.unit._shell_helpers import approved, found, shell

ROOT_OR_HOME = "tool_use.destructive_fs.root_or_home"
DYNAMIC = "tool_use.obfuscation.dynamic_command"
H, C, M = Severity.high, Severity.critical, Severity.medium


# --- 1. expansions known to be empty ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dangerous", "harmless"),
    [
        ("r$(true)m -rf ~", "r$(true)m -rf build"),
        ("r`true`m -rf ~", "echo a$(true)b"),
        ("r$(:)m -rf /", "ma$(:)ke test"),
        ("r$(echo)m -rf ~", 'echo "$(echo)"'),
        ("${PWD:0:0}rm -rf ~", "${PWD:0:0}ls -la"),
        ("${X:0:0}rm -rf /", "${X:0:0}git status"),
        ("${X: -1:0}rm -rf ~", "echo ${X:0:0}done"),
        ("r$@m -rf ~", "echo $@ done"),
        ("r$*m -rf ~", 'echo "$*"'),
        ("r${@}m -rf ~", "git status $@"),
        ("${UNSET:-} rm -rf ~", "${UNSET:-} ls"),
        ("X=; $X rm -rf ~", "X=; $X make test"),
        ("$@ rm -rf ~", '"$@" npm test'),
    ],
)
def test_an_expansion_known_to_be_empty_is_put_in_as_nothing(dangerous: str, harmless: str) -> None:
    assert found(shell(dangerous)).get(ROOT_OR_HOME) == C, found(shell(dangerous))
    assert approved(shell(harmless)), found(shell(harmless))


@pytest.mark.parametrize(
    "command",
    [
        "sh -c 'r$@m -rf ~' _ x",  # $@ is x here: rxm, not rm
        "f() { r$@m -rf build; }; f x",
    ],
)
def test_given_arguments_are_not_taken_for_empty(command: str) -> None:
    assert found(shell(command)).get(ROOT_OR_HOME) is None, found(shell(command))


def test_a_written_script_keeps_its_own_arguments() -> None:
    # the script's $@ is what it is run with (q), unknown here: not the command line's empty $@
    f = found(shell("echo 'r$@m -rf ~' > x.sh && bash x.sh q"))
    assert f.get(ROOT_OR_HOME) is None and f.get(DYNAMIC) == H, f


# --- 2. a name that stays unknown is judged by its arguments ------------------------------------------------------


@pytest.mark.parametrize(
    ("dangerous", "harmless"),
    [
        ("r${X}m -rf ~", "r${X}m -rf build dist"),
        ("r${!X}m -rf ~", "${RM} -rf node_modules"),
        ("$X -rf /", "$CC -fPIC -o x.so x.c"),
        ("$(which foo) -rf ~", "$PYTHON -m pytest -rf tests"),
        ("$X rm -rf ~", "$DOCKER compose up -d"),
        ("$SUDO rm -rf /usr/lib", '"$EDITOR" src/app.py'),
        ("r$1m -rf ~/Documents", '"$EDITOR" ~/.bashrc'),
    ],
)
def test_unknown_command_name_with_destructive_arguments_escalates(dangerous: str, harmless: str) -> None:
    f = found(shell(dangerous))
    assert f.get(DYNAMIC) == H, f
    assert not approved(shell(dangerous))
    assert approved(shell(harmless)), found(shell(harmless))
    assert found(shell(harmless)).get(DYNAMIC) in (M, None)


def test_readings_nest_once() -> None:
    # an unknown name whose arguments run another unknown name: read inside one reading, then no deeper (bounded
    # work on $X eval $X eval …)
    assert found(shell("$X sh -c '$Y rm -rf ~'")).get(DYNAMIC) == H
    assert found(shell("$X eval " * 400)).get(DYNAMIC) == M


def test_the_escalation_says_what_the_arguments_would_do() -> None:
    f = next(f for f in shell("r${X}m -rf ~").findings if f.rule == DYNAMIC)
    assert "rm" in f.message and "/home/dev" in f.message, f.message


# --- 3. env NAME=value CMD ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dangerous", "harmless"),
    [
        ("env $(echo RM=rm) sh -c '$RM -rf ~'", "env $(echo RM=rm) sh -c '$RM -rf build'"),
        ("env RM=rm sh -c '$RM -rf ~'", "env NODE_ENV=test sh -c 'npm test'"),
        ("env -u X D=/ bash -c 'rm -rf \"$D\"'", "env D=dist bash -c 'rm -rf \"$D\"'"),
    ],
)
def test_env_assignments_reach_the_command_it_runs(dangerous: str, harmless: str) -> None:
    assert found(shell(dangerous)).get(ROOT_OR_HOME) == C, found(shell(dangerous))
    assert approved(shell(harmless)), found(shell(harmless))
