"""Disguises of ``rm -rf ~`` that were approved with no finding (QA hooks report, H2), each read now as the command
it is (service/policy/shell.py through ``analyse_action``):

1. an unquoted here-doc runs its ``$(…)`` and backquotes, whatever reads it (``cat <<EOF`` / ``$(rm -rf ~)``); a
   quoted one (``<<'EOF'``) does not;
2. ``${!x}`` (x holding a variable's name) and a nameref (``declare -n r=HOME``) are the variable they name;
3. ``~+`` is ``$PWD`` and ``~-`` is ``$OLDPWD``, and ``$PWD``/``$OLDPWD`` are known after a ``cd``;
4. a copy of a system program, or a link to one, runs it (``cp /bin/rm /tmp/del; /tmp/del -rf ~``);
5. ``trap ACTION SIGNAL`` runs ACTION later: it is analysed as a command;
6. inline Python/JavaScript calling a function under another name (``from shutil import rmtree as r``,
   ``const {execSync: e} = require('child_process')``).

Each dangerous case has an everyday twin that stays approved. The commands are only ever analysed here."""

from __future__ import annotations

import pytest

from service.vocabulary import Severity
from tests.unit._shell_helpers import approved, found, shell

ROOT_OR_HOME = "tool_use.destructive_fs.root_or_home"
WORKSPACE_ROOT = "tool_use.destructive_fs.workspace_root"
C, H = Severity.critical, Severity.high


@pytest.mark.parametrize(
    "cmd",
    [
        "cat <<EOF\n$(rm -rf ~)\nEOF",
        "cat <<EOF > notes.txt\nhello\n$(rm -rf ~)\nEOF",
        "cat <<-EOF\n\t`rm -rf /`\n\tEOF",
        "x=HOME; rm -rf ${!x}",
        'x=HOME; rm -rf "${!x}"/*',
        "declare -n r=HOME; rm -rf $r",
        'local -n r=HOME; rm -rf "$r"',
        'cd ~ && rm -rf "$PWD"',
        "cd ~ && rm -rf ~+",
        "cd ~ && cd shop && rm -rf ~-",
        "cp /bin/rm /tmp/del && /tmp/del -rf ~",
        "ln -s /bin/rm ./del && ./del -rf ~",
        "install /bin/rm d && ./d -rf ~",
        "cp /bin/rm /tmp/ && /tmp/rm -rf ~",
        "cp /usr/bin/rm d; mv d e; ./e -rf ~",
        "trap 'rm -rf ~' EXIT",
        "trap -- 'rm -rf /' INT TERM",
        "python3 -c \"from shutil import rmtree as r; r('/home/dev')\"",
        "python3 -c \"import shutil; r = shutil.rmtree; r('/home/dev')\"",
        "python3 -c \"from subprocess import run as r; r(['rm', '-rf', '/home/dev'])\"",
        "node -e \"const {execSync:e}=require('child_process');e('rm -rf ~')\"",
        "node -e \"import {execSync as x} from 'child_process'; x('rm -rf /')\"",
        "node -e \"const e = require('child_process').execSync; e('rm -rf ~')\"",
        "node -e \"const {rmSync: r} = require('fs'); r('/home/dev', {recursive: true})\"",
    ],
)
def test_disguised_rm_of_home_is_critical(cmd: str) -> None:
    assert found(shell(cmd)).get(ROOT_OR_HOME) == C, cmd


@pytest.mark.parametrize("cmd", ["rm -rf ~+", 'rm -rf "$PWD"', 'cd build && rm -rf "$OLDPWD"', "cd build && rm -rf ~-"])
def test_the_working_folder_is_the_workspace_root(cmd: str) -> None:
    assert found(shell(cmd)).get(WORKSPACE_ROOT) == H, cmd


@pytest.mark.parametrize(
    "cmd",
    [
        "cat <<'EOF'\n$(rm -rf ~)\nEOF",
        'cat <<"EOF" > deploy.sh\nrm -rf "$(mktemp -d)"\nEOF',
        "cat <<EOF\n\\$(rm -rf ~)\nEOF",
        "cat <<EOF > notes.txt\nbuilt on $(date) by `whoami`\nEOF",
        "git commit -F- <<EOF\nfix: $(git log -1 --format=%s)\nEOF",
        "x=PATH; echo ${!x}",
        "declare -n ref=items; echo $ref",
        "rm -rf ~+/build",
        "cd build; cd -; rm -rf dist",
        "cp /bin/ls ./l && ./l -la",
        "ln -s /usr/bin/python3 py && ./py -m pytest",
        "tmp=$(mktemp); trap 'rm -f \"$tmp\"' EXIT",
        "trap - EXIT",
        "trap -p",
        "python3 -c \"from pathlib import Path as P; print(P('.').resolve())\"",
        "python3 -c \"from os import path as p; print(p.join('a', 'b'))\"",
        "node -e \"const {join: j} = require('path'); console.log(j('a', 'b'))\"",
        "node -e \"const {execSync: e} = require('child_process'); console.log(e('git status').toString())\"",
    ],
)
def test_everyday_twins_stay_approved(cmd: str) -> None:
    assert approved(shell(cmd)), (cmd, found(shell(cmd)))
