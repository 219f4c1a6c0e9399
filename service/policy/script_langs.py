"""What PowerShell and Emacs Lisp code given on a command line does, restated as shell commands.

The shell analyser (:mod:`service.policy.shell`) reads ``pwsh -c CODE`` and ``emacs --batch --eval CODE`` through
these functions: each returns the shell commands the code amounts to (``Remove-Item -Recurse -Force ~`` is
``rm -rf ~``; ``iex (iwr URL)`` is ``curl URL | sh``; ``(shell-command "rm -rf ~")`` is ``rm -rf ~``), which the
analyser then judges as it judges any command, and the findings that have no shell spelling (an encoded command,
Defender switched off). Only the plain spellings are read: this is a tripwire for a command an agent proposes, not a
PowerShell or Lisp interpreter, and code it cannot read raises nothing here (docs/actions.md lists the limits).
"""

from __future__ import annotations

import base64
import binascii
import re
import shlex
from dataclasses import dataclass, field

MAX_CODE_CHARS = 20_000
_SAFE_WORD = re.compile(r"^[\w@%+=:,./~-]+$")


def _quote(word: str) -> str:
    """Quoted for the shell analyser, the home folder left bare (``~``, ``~/'a b'``) so it is still read as home."""
    if _SAFE_WORD.match(word):
        return word
    if word.startswith("~/"):
        return "~/" + shlex.quote(word[2:])
    return shlex.quote(word)


@dataclass
class Restated:
    commands: list[str] = field(default_factory=list)
    """Shell commands the code amounts to."""
    findings: list[tuple[str, str, str]] = field(default_factory=list)
    """(category, rule, message) of what has no shell spelling; all of them high."""


# ---------------------------------------------------------------------------------------------------- PowerShell

POWERSHELLS = frozenset({"pwsh", "powershell", "pwsh.exe", "powershell.exe", "pwsh-preview"})
# -Command and -EncodedCommand take any unambiguous prefix of their name, in any case (-c, -com, -e, -enc, -ec).
_PS_COMMAND = re.compile(r"(?i)^[-/](c|co|com|comm|comma|comman|command)$")
_PS_ENCODED = re.compile(r"(?i)^[-/](e|ec|en|enc|enco|encod|encode|encoded|encodedc\w*)$")
_PS_FILE = re.compile(r"(?i)^[-/](f|fi|fil|file)$")
_PS_VALUE_OPTS = re.compile(
    r"(?i)^[-/](ex|exe\w*|executionpolicy|w|win\w*|windowstyle|o|ou\w*|outputformat|i|inp\w*|inputformat|"
    r"config\w*|configurationname|wd|wo\w*|workingdirectory|settingsfile|custompipename)$"
)
_PS_HOME = re.compile(r"(?i)^(~|\$home|\$env:(home|userprofile)|\$\{env:(home|userprofile)\})(?=$|[\\/])")
_PS_DELETE = re.compile(r"(?i)(?<![\w-])(remove-item|rm|del|erase|ri|rd|rmdir)(?![\w-])")
_PS_RECURSE = re.compile(r"(?i)^-r(e(c(u(r(s(e)?)?)?)?)?)?$")
_PS_PATH_OPTS = re.compile(r"(?i)^-(path|literalpath|lp|pspath)$")
_PS_SWITCHES = re.compile(r"(?i)^-(force|fo|confirm:\$?\w+|whatif|wi|verbose|vb)$")
_PS_EXEC = re.compile(r"(?i)(?<![\w-])(iex|invoke-expression)(?![\w-])|\.\s*\(\s*\[scriptblock\]::create")
_PS_FETCH = re.compile(
    r"(?i)(?<![\w-])(iwr|irm|invoke-webrequest|invoke-restmethod|curl|wget)(?![\w-])|downloadstring\s*\(|"
    r"downloaddata\s*\(|downloadfile\s*\("
)
_PS_URL = re.compile(r"(?i)\bhttps?://[^\s'\"()<>|;]+")
_PS_DEFENDER = re.compile(
    r"(?i)set-mppreference\b[^;\n|]*-disable\w+\s+(\$true|1)|add-mppreference\b[^;\n|]*-exclusion(path|process)|"
    r"(stop|disable)-service\b[^;\n|]*\b(windefend|sense|wdnissvc|mpssvc)\b|"
    r"netsh\s+advfirewall\s+set\s+\w+\s+state\s+off|set-netfirewallprofile\b[^;\n|]*-enabled\s+(\$false|0|false)"
)


def powershell_argv(args: list[str]) -> tuple[str | None, bool, str | None]:
    """(code, encoded, script file) of ``pwsh``/``powershell`` arguments: the text after ``-Command`` (the rest of
    the line), the decoded ``-EncodedCommand`` (base64 of UTF-16LE), or the ``-File`` script. Without any of them
    the first word that is not an option starts the command (``pwsh "Remove-Item …"``)."""
    i = 0
    while i < len(args):
        a = args[i]
        if _PS_COMMAND.match(a):
            return " ".join(args[i + 1 :]) or None, False, None
        if _PS_ENCODED.match(a):
            if i + 1 >= len(args):
                return None, True, None
            try:
                return base64.b64decode(args[i + 1], validate=True).decode("utf-16-le"), True, None
            except (binascii.Error, ValueError):
                return None, True, None
        if _PS_FILE.match(a):
            return None, False, args[i + 1] if i + 1 < len(args) else None
        if _PS_VALUE_OPTS.match(a):
            i += 2
            continue
        if a.startswith("-") or a.startswith("/"):
            i += 1
            continue
        return " ".join(args[i:]), False, None
    return None, False, None


def _ps_words(statement: str) -> list[str]:
    try:
        lexer = shlex.shlex(statement, posix=True, punctuation_chars="")
        lexer.whitespace_split = True
        lexer.commenters = ""
        return list(lexer)
    except ValueError:
        return statement.split()


def _ps_path(word: str) -> str:
    """A PowerShell path as the shell analyser spells it: the home folder as ``~``, backslashes as slashes, a
    drive root (``C:\\``) as ``/``."""
    word = _PS_HOME.sub("~", word.strip("'\""))
    word = word.replace("\\", "/")
    if re.fullmatch(r"(?i)[a-z]:/?", word):
        return "/"
    return re.sub(r"(?i)^[a-z]:/", "/", word)


def restate_powershell(code: str) -> Restated:
    out = Restated()
    code = code[:MAX_CODE_CHARS]
    for statement in re.split(r"[;\n]|\|(?!\|)|&&|\|\|", code):
        words = _ps_words(statement.strip().lstrip("&({").strip())
        if not words or not _PS_DELETE.fullmatch(words[0]):
            continue
        recursive = False
        paths: list[str] = []
        k = 1
        while k < len(words):
            w = words[k]
            if _PS_RECURSE.match(w):
                recursive = True
            elif _PS_PATH_OPTS.match(w) and k + 1 < len(words):
                paths.extend(p for p in words[k + 1].split(",") if p)
                k += 1
            elif w.startswith("-") and not _PS_SWITCHES.match(w) and k + 1 < len(words):
                k += 1  # -Filter *.log, -Include …: an option with a value
            elif not w.startswith("-"):
                paths.extend(p for p in w.split(",") if p)
            k += 1
        for p in paths[:16]:
            out.commands.append(("rm -rf " if recursive else "rm -f ") + _quote(_ps_path(p)))
    if _PS_EXEC.search(code) and _PS_FETCH.search(code):
        urls = _PS_URL.findall(code)[:4] or ["https://unknown.invalid/"]
        out.commands.extend(f"curl -fsSL {_quote(u)} | sh" for u in urls)
    elif _PS_EXEC.search(code):
        out.findings.append(("obfuscation", "eval", "PowerShell evaluates a string as code (Invoke-Expression)."))
    if _PS_DEFENDER.search(code):
        out.findings.append(
            ("process_system_control", "disable_security_service", "Switches Windows Defender or the firewall off.")
        )
    return out


# ---------------------------------------------------------------------------------------------------- Emacs Lisp

EMACSES = frozenset({"emacs", "emacsclient", "emacs-nox"})
_EMACS_EVAL_OPTS = frozenset({"--eval", "-eval", "--execute", "-execute"})
_ELISP_STRING = r'"((?:[^"\\]|\\.)*)"'
_ELISP_SHELL = re.compile(
    r"\((?:shell-command|shell-command-to-string|async-shell-command|compile|dired-do-shell-command)\s+" + _ELISP_STRING
)
_ELISP_PROCESS = re.compile(
    r"\((call-process|process-lines|start-process|make-process|call-process-shell-command|start-process-shell-command)"
    r"((?:\s+(?:nil|t|\"(?:[^\"\\]|\\.)*\"|'?\w[\w-]*))+)"
)
_ELISP_DELETE = re.compile(r"\((delete-directory|delete-file)\s+(?:\(expand-file-name\s+)?" + _ELISP_STRING)


def emacs_eval_code(args: list[str]) -> list[str]:
    """The Lisp ``emacs``/``emacsclient`` is given to evaluate: ``--eval CODE``, ``--eval=CODE``, ``-e CODE``
    (emacsclient)."""
    codes: list[str] = []
    for i, a in enumerate(args):
        if a in _EMACS_EVAL_OPTS or a == "-e":
            if i + 1 < len(args):
                codes.append(args[i + 1])
        elif a.startswith("--eval="):
            codes.append(a[len("--eval=") :])
    return codes


def _elisp_unescape(s: str) -> str:
    return re.sub(r"\\(.)", r"\1", s)


def restate_elisp(code: str) -> Restated:
    out = Restated()
    code = code[:MAX_CODE_CHARS]
    for m in _ELISP_SHELL.finditer(code):
        out.commands.append(_elisp_unescape(m.group(1)))
    for m in _ELISP_PROCESS.finditer(code):
        items = re.findall(r"nil|t|\"(?:[^\"\\]|\\.)*\"|'?\w[\w-]*", m.group(2))
        strings = [_elisp_unescape(x[1:-1]) for x in items if x.startswith('"')]
        fn = m.group(1)
        if fn == "call-process-shell-command":  # (call-process-shell-command COMMAND INFILE BUFFER …)
            out.commands.extend(strings[:1])
        elif fn == "start-process-shell-command":  # (start-process-shell-command NAME BUFFER COMMAND)
            out.commands.extend(strings[-1:])
        elif fn in ("start-process", "make-process"):
            if len(strings) >= 2:  # (start-process NAME BUFFER PROGRAM ARGS…): the name is the first string
                out.commands.append(" ".join(_quote(x) for x in strings[1:]))
        elif strings:  # (call-process PROGRAM INFILE DESTINATION DISPLAY ARGS…), (process-lines PROGRAM ARGS…)
            out.commands.append(" ".join(_quote(x) for x in strings))
    for m in _ELISP_DELETE.finditer(code):
        path = _elisp_unescape(m.group(2))
        recursive = (
            m.group(1) == "delete-directory" and re.search(r"\bt\s*\)", code[m.end() : m.end() + 40]) is not None
        )
        out.commands.append(("rm -rf " if recursive else "rm -f ") + _quote(path))
    return out
