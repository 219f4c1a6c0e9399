"""Node.js inline code (``node -e``, ``node --eval``, a ``.js`` file the same command writes and runs) that deletes
recursively, read as inline Python's ``os.walk``/``shutil.rmtree`` deletes are: a delete of a folder held in a
variable the code set (``const home = os.homedir(); fs.rmSync(home, …)``) is a delete of that folder, and a delete
of what a listing yields (``fs.readdirSync(P).forEach(f => fs.rmSync(path.join(P, f), …))``) deletes everything
under P (``rm -rf P/*``): critical on home, one level lower with a filter (as ``find -name X -delete`` is)."""

from __future__ import annotations

import pytest

from service.vocabulary import Severity
from tests.unit._shell_helpers import approved, found, shell

HOME = "tool_use.destructive_fs.root_or_home"
NODE = "const fs = require('fs'), os = require('os'), path = require('path'); "


@pytest.mark.parametrize(
    "code",
    [
        # a folder in a variable
        "const dir = os.homedir(); fs.rmSync(dir, {recursive: true, force: true})",
        "const home = os.homedir(); fs.rm(home, {recursive: true}, cb)",
        "let home = require('os').homedir(); fs.rm(home, {recursive: true}, () => {})",
        "var h = process.env.HOME; fs.rmdirSync(h, {recursive: true})",
        "const home = os.homedir(); fs.promises.rm(home, {recursive: true, force: true})",
        # what a listing yields
        "fs.readdirSync(os.homedir()).forEach(f => fs.rmSync(path.join(os.homedir(), f), {recursive: true}))",
        "const home = os.homedir(); fs.readdirSync(home).forEach(f => fs.rmSync(path.join(home, f), "
        "{recursive: true, force: true}))",
        "for (const f of fs.readdirSync(os.homedir())) fs.rmSync(path.join(os.homedir(), f), {recursive: true})",
        "fs.readdir(os.homedir(), (e, names) => names.forEach(n => fs.rm(path.join(os.homedir(), n), "
        "{recursive: true}, () => {})))",
        "fs.readdirSync(os.homedir()).forEach(f => fs.unlinkSync(path.join(os.homedir(), f)))",
        "fs.readdirSync(os.homedir(), {recursive: true}).forEach(f => fs.unlinkSync(path.join(os.homedir(), f)))",
        "fs.readdirSync('/').forEach(f => fs.rmSync('/' + f, {recursive: true, force: true}))",
    ],
)
def test_node_recursive_delete_of_home_is_critical(code: str) -> None:
    for flag in ("-e", "--eval"):
        a = shell(f'node {flag} "{NODE}{code}"')
        assert found(a).get(HOME) is Severity.critical, (flag, code, found(a))


def test_node_join_of_a_folder_variable_is_the_path_it_makes() -> None:
    # judged as `rm -rf ~/.ssh` is
    a = shell(f"node -e \"{NODE}const home = os.homedir(); fs.rmSync(path.join(home, '.ssh'), {{recursive: true}})\"")
    rule = "tool_use.destructive_fs.secret_delete"
    assert found(a).get(rule) is found(shell("rm -rf ~/.ssh")).get(rule) is Severity.high, found(a)


def test_node_listing_delete_with_a_filter_is_one_level_lower() -> None:
    code = "fs.readdirSync(os.homedir()).filter(f => f.endsWith('.log')).forEach(f => fs.unlinkSync(path.join(os.homedir(), f)))"
    a = shell(f'node -e "{NODE}{code}"')
    assert found(a).get(HOME) is Severity.high, found(a)


def test_node_script_written_then_run_is_read_the_same_way() -> None:
    script = NODE + "const home = os.homedir();\nfs.readdirSync(home).forEach(f => fs.rmSync(path.join(home, f), {recursive: true}));\n"
    a = shell(f"cat > clean.js <<'EOF'\n{script}EOF\nnode clean.js")
    assert found(a).get(HOME) is Severity.critical, found(a)


def test_node_child_process_rm_is_still_critical() -> None:
    assert found(shell("node -e \"require('child_process').execSync('rm -rf ~')\"")).get(HOME) is Severity.critical


def test_python_folder_in_a_variable_reads_the_same() -> None:
    # the same reading for Python: a walk or rmtree of a variable set to the home folder
    a = shell("python3 -c \"import os, shutil; h = os.path.expanduser('~'); shutil.rmtree(h)\"")
    assert found(a).get(HOME) is Severity.critical, found(a)
    a = shell("python3 -c \"import os, shutil; [shutil.rmtree(os.path.join(os.path.expanduser('~'), d)) for d in os.listdir(os.path.expanduser('~'))]\"")
    assert found(a).get(HOME) is Severity.critical, found(a)
    a = shell("python3 -c \"from pathlib import Path; [p.unlink() for p in Path.home().iterdir() if p.is_file()]\"")
    assert found(a).get(HOME) is Severity.high, found(a)  # a filter (if …): one level lower
    a = shell("python3 -c \"import os; [os.remove(e.path) for e in os.scandir(os.path.expanduser('~'))]\"")
    assert found(a).get(HOME) is Severity.critical, found(a)
    a = shell("python3 -c \"import os; r = os.path.expanduser('~'); [os.remove(os.path.join(d, f)) for d, _, fs in os.walk(r) for f in fs]\"")
    assert found(a).get(HOME) is Severity.critical, found(a)


@pytest.mark.parametrize(
    "code",
    [
        "fs.rmSync('./dist', {recursive: true})",
        "require('fs').rmSync('dist', {recursive: true, force: true})",
        "const out = path.join(__dirname, 'dist'); fs.rmSync(out, {recursive: true, force: true})",
        "const dir = './build'; fs.rmSync(dir, {recursive: true, force: true})",
        "fs.readdirSync('dist').forEach(f => fs.unlinkSync(path.join('dist', f)))",
        "const d = 'coverage'; fs.readdirSync(d).forEach(f => fs.rmSync(path.join(d, f), {recursive: true}))",
        "console.log(fs.readdirSync(os.homedir()).length)",
        "fs.readdirSync(os.homedir()).forEach(f => console.log(f))",
        "const home = os.homedir(); console.log(fs.existsSync(path.join(home, '.npmrc')))",
        "fs.readdirSync('.').filter(f => f.endsWith('.tmp')).forEach(f => fs.unlinkSync(f))",
    ],
)
def test_node_look_alikes_stay_approved(code: str) -> None:
    a = shell(f'node -e "{NODE}{code}"')
    assert approved(a), (code, found(a))
