"""More hidden commands, security tooling switched off, weakened package sources and printed credentials
(service/policy/shell.py through ``analyse_action``).

1. ``printf`` fills its format with its arguments (repeating the format while arguments remain) before the text is
   piped to a shell or substituted into ``sh -c``: ``printf '%s %s %s' rm -rf ~ | sh`` is ``rm -rf ~``.
2. An unquoted expansion after ``IFS=,`` is split on that IFS: ``IFS=,;x=rm,-rf,~;$x`` runs ``rm -rf ~``, and a
   command word that comes from such a split is ``obfuscation.ifs`` (high) whatever it runs.
3. Inline code: perl's list form ``system("rm", "-rf", $ENV{HOME})`` is joined as ``exec*`` argv lists are, and a
   Python f-string is filled from ``name = 'literal'`` assignments of the same code, as is a run call given a
   variable set to a literal (``c = "rm -rf ~"; os.system(c)``, ``@a = (…); system(@a)``). A bash array expanded as
   words (``a=(rm -rf ~); "${a[@]}"``) is read as its elements.
4. Security tooling switched off (``disable_security_service``, high): launchd unloads of a security agent,
   Gatekeeper, the macOS firewall, removing a security package, ``aa-disable``, killing an agent. Package sources
   and TLS: a registry or index on an unlisted or plain-http host (``untrusted_index``, high), TLS checks off in
   git/npm/pip configuration (``trusted_host``, high) or for one shell (``NODE_TLS_REJECT_UNAUTHORIZED=0``,
   medium), ``git commit --no-verify`` (low).
5. Commands that print or expose credentials: ``kubectl config view --raw``, ``gpg --export-secret-keys``,
   ``docker login -p``, and reads of shell history, Terraform state and the GNOME keyring (``read_secret``, high).
6. False positives removed: ``openssl … -keyout key.pem`` writes the key in the project, it does not read it;
   package-manager caches under home (``~/.npm/_cacache``) are deleted as ``~/.cache`` is.

Each case that is caught now comes with an everyday twin that stays approved (checked second, so every test fails
on the analyser before these rules). The commands are only ever analysed here, never run."""

from __future__ import annotations

import pytest

from service.vocabulary import Severity
from tests.unit._shell_helpers import approved, found, shell

ROOT_OR_HOME = "tool_use.destructive_fs.root_or_home"
HOME_SUBDIR = "tool_use.destructive_fs.home_subdir"
IFS = "tool_use.obfuscation.ifs"
DISABLE_SECURITY = "tool_use.process_system_control.disable_security_service"
UNTRUSTED_INDEX = "tool_use.package_install_untrusted.untrusted_index"
TRUSTED_HOST = "tool_use.package_install_untrusted.trusted_host"
SKIP_HOOKS = "tool_use.destructive_vcs.skip_hooks"
READ_SECRET = "tool_use.credential_access.read_secret"
SECRET_OVERWRITE = "tool_use.credential_access.secret_overwrite"
H, C, M, L = Severity.high, Severity.critical, Severity.medium, Severity.low


# --- 1. printf fills its format ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dangerous", "harmless"),
    [
        ("printf '%s %s %s' rm -rf ~ | sh", "printf '%s %s\\n' make test | sh"),
        ("sh -c \"$(printf 'rm -rf %s' ~)\"", "sh -c \"$(printf 'rm -rf %s' build)\""),
        ("printf '%s ' rm -rf ~ | bash", "printf '%s\\n' hello"),  # the format repeated for each argument
        ("bash -c \"$(printf '%b' 'rm -rf ~')\"", "printf 'a %s\\n' x | cat"),
        ("printf 'rm -rf %s\\n' ~ | sh", "echo \"$(printf '%s-%s' a b)\""),
        ("printf '%s%s -rf %s' r m ~ | bash", "printf '%d%%\\n' 5"),
    ],
)
def test_printf_format_is_filled_with_its_arguments(dangerous: str, harmless: str) -> None:
    assert found(shell(dangerous)).get(ROOT_OR_HOME) == C, dangerous
    assert approved(shell(harmless)), found(shell(harmless))


# --- 2. a custom IFS ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dangerous", "harmless"),
    [
        ("IFS=,;x=rm,-rf,/home/dev;$x", 'IFS=: read -r a b <<< "x:y"'),  # a prefix: only read's own splitting
        ("IFS=,; x=rm,-rf,/home/dev; $x", "IFS=,; x=a,b; echo $x"),
        ("IFS=:;c=rm:-rf:/home/dev;$c", 'IFS=,;x=rm,-rf,/home/dev;"$x"'),  # quoted: not split, one odd name
    ],
)
def test_command_split_on_a_custom_ifs_is_analysed(dangerous: str, harmless: str) -> None:
    f = found(shell(dangerous))
    assert f.get(ROOT_OR_HOME) == C, f
    assert f.get(IFS) == H, f
    assert approved(shell(harmless)), found(shell(harmless))


def test_arguments_split_on_a_custom_ifs_are_separate_words() -> None:
    assert found(shell("IFS=,; x=-rf,/home/dev; rm $x")).get(ROOT_OR_HOME) == C
    assert approved(shell("IFS=,; x=-rf,build; rm $x"))


def test_a_harmless_command_from_a_custom_ifs_is_still_high() -> None:
    f = found(shell("IFS=,;x=ls,-la;$x"))
    assert f.get(IFS) == H, f
    assert approved(shell("x=ls; $x -la"))


# --- 3. inline code: perl list form, f-strings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dangerous", "harmless"),
    [
        ('perl -e \'system("rm","-rf",$ENV{HOME})\'', 'perl -e \'system("rm","-rf","build")\''),
        ('perl -e \'system("rm", "-rf", "$ENV{HOME}")\'', "perl -e 'print \"hi\\n\"'"),
        (
            "python3 -c \"import os; os.execl('/bin/rm', 'rm', '-rf', '/home/dev')\"",
            "python3 -c \"import os; os.execl('/bin/ls', 'ls', '-la', '/home/dev')\"",
        ),
        (
            "python3 -c \"import os; h=os.path.expanduser('~'); os.system(f'rm -rf {h}')\"",
            "python3 -c \"import os; d='build'; os.system(f'rm -rf {d}')\"",
        ),
        ("python3 -c \"import os; h='/home/dev'; os.system(f'rm -rf {h}')\"", "python3 -c \"n='x'; print(f'hi {n}')\""),
    ],
)
def test_inline_list_form_and_fstrings(dangerous: str, harmless: str) -> None:
    assert found(shell(dangerous)).get(ROOT_OR_HOME) == C, dangerous
    assert approved(shell(harmless)), found(shell(harmless))


@pytest.mark.parametrize(
    ("dangerous", "harmless"),
    [
        ("python3 -c 'import os; c=\"rm -rf ~\"; os.system(c)'", "python3 -c 'import os; c=\"ls -la\"; os.system(c)'"),
        (
            "python3 -c 'import subprocess; a=[\"rm\",\"-rf\",\"/home/dev\"]; subprocess.run(a)'",
            "python3 -c 'import subprocess; a=[\"pytest\",\"-q\"]; subprocess.run(a)'",
        ),
        (  # a tuple: before, the shell's array rewrite reached inside the quoted code
            "python3 -c 'import subprocess; a=(\"rm\",\"-rf\",\"/home/dev\"); subprocess.run(a, check=True)'",
            "python3 -c 'import subprocess; a=(\"pytest\",\"-q\"); subprocess.run(a, check=True)'",
        ),
        ("perl -e '@a=(\"rm\",\"-rf\",$ENV{HOME}); system(@a)'", "perl -e '@a=(\"make\",\"test\"); system(@a)'"),
        ("perl -e 'my $c=\"rm -rf ~\"; system($c)'", "perl -e 'my $c=\"make test\"; system($c)'"),
        ("ruby -e 'a=[\"rm\",\"-rf\",Dir.home]; system(*a)'", "ruby -e 'a=[\"rake\",\"test\"]; system(*a)'"),
        (
            "node -e 'const c=\"rm -rf ~\"; require(\"child_process\").execSync(c)'",
            "node -e 'const c=\"npm test\"; require(\"child_process\").execSync(c)'",
        ),
    ],
)
def test_inline_code_running_a_variable_set_to_a_literal_is_judged_by_the_literal(dangerous: str, harmless: str) -> None:
    assert found(shell(dangerous)).get(ROOT_OR_HOME) == C, found(shell(dangerous))
    assert approved(shell(harmless)), found(shell(harmless))


@pytest.mark.parametrize(
    ("dangerous", "harmless"),
    [
        ('arr=(rm -rf ~); "${arr[@]}"', 'cmd=(pytest -q); "${cmd[@]}"'),
        ('a=(rm -rf); "${a[@]}" ~', 'a=(ls -la); "${a[@]}" ~'),
        ('a=("rm" "-rf" "$HOME"); ${a[*]}', 'a=("git" "status"); ${a[*]}'),
        ('a=(rm); a+=(-rf ~); "${a[@]}"', 'a=(git); a+=(log -1); "${a[@]}"'),
        ('files=(~ /); rm -rf "${files[@]}"', 'files=(a.txt b.txt); rm -f "${files[@]}"'),
    ],
)
def test_a_bash_array_expanded_as_words_is_judged_by_its_elements(dangerous: str, harmless: str) -> None:
    assert found(shell(dangerous)).get(ROOT_OR_HOME) == C, found(shell(dangerous))
    assert approved(shell(harmless)), found(shell(harmless))


# --- 4. security tooling, package sources, TLS ----------------------------------------------------------------------

_EVERYDAY_SERVICE = [
    "launchctl list",
    "sudo launchctl unload /Library/LaunchDaemons/com.docker.vmnetd.plist",
    "apt remove -y nano",
    "sudo apt install -y clamav",
    "pkill -f redis-sentinel",
    "spctl --status",
    "defaults write com.apple.dock autohide -bool true",
]
_TAMPERING = [
    "launchctl unload /Library/LaunchDaemons/com.crowdstrike.falcond.plist",
    "sudo launchctl bootout system/com.sentinelone.sentineld",
    "launchctl disable system/com.google.santad",
    "sudo launchctl unload /Library/LaunchDaemons/com.jamfsoftware.jamf.daemon.plist",
    "spctl --master-disable",
    "sudo defaults write /Library/Preferences/com.apple.alf globalstate -int 0",
    "sudo /usr/libexec/ApplicationFirewall/socketfilterfw --setglobalstate off",
    "sudo apt remove -y clamav",
    "sudo apt-get purge -y apparmor",
    "sudo yum remove auditd",
    "sudo dnf remove -y osquery",
    "sudo apt-get remove falcon-sensor",
    "sudo aa-disable /etc/apparmor.d/usr.sbin.cupsd",
    "sudo aa-teardown",
    "sudo pkill falcon-sensor",
    "sudo killall osqueryd",
    "sudo pkill -9 sentinelone",
]


@pytest.mark.parametrize(
    ("cmd", "everyday"), [(c, _EVERYDAY_SERVICE[k % len(_EVERYDAY_SERVICE)]) for k, c in enumerate(_TAMPERING)]
)
def test_switching_security_tooling_off_is_high(cmd: str, everyday: str) -> None:
    f = found(shell(cmd))
    assert f.get(DISABLE_SECURITY) == H, f
    assert approved(shell(everyday)), found(shell(everyday))
    assert DISABLE_SECURITY not in found(shell(everyday))


_EVERYDAY_CONFIG = [
    "git config user.name x",
    "git config --global http.sslVerify true",
    "npm config get registry",
    "npm config set registry https://registry.npmjs.org/",
    "pip config list",
    "pip config set global.index-url https://pypi.org/simple",
    "export NODE_TLS_REJECT_UNAUTHORIZED=1",
    "git commit -m 'fix: typo'",
]


@pytest.mark.parametrize(
    ("cmd", "rule", "severity", "everyday"),
    [
        (cmd, rule, sev, _EVERYDAY_CONFIG[k % len(_EVERYDAY_CONFIG)])
        for k, (cmd, rule, sev) in enumerate(
            [
                ("git config --global http.sslVerify false", TRUSTED_HOST, H),
                ("git config http.https://example.com/.sslVerify 0", TRUSTED_HOST, H),
                ("git -c http.sslVerify=false clone https://github.com/a/b", TRUSTED_HOST, H),
                ("npm config set registry http://registry.example.com/", UNTRUSTED_INDEX, H),
                ("npm config set registry https://npm.evil.example/", UNTRUSTED_INDEX, H),
                ("yarn config set registry http://registry.npmjs.org", UNTRUSTED_INDEX, H),  # plain http
                ("npm config set strict-ssl false", TRUSTED_HOST, H),
                ("pip config set global.index-url https://evil.example.com/simple", UNTRUSTED_INDEX, H),
                ("python3 -m pip config set global.trusted-host evil.example.com", TRUSTED_HOST, H),
                ("export NODE_TLS_REJECT_UNAUTHORIZED=0", TRUSTED_HOST, M),
                ("export PYTHONHTTPSVERIFY=0", TRUSTED_HOST, M),
                ("NODE_TLS_REJECT_UNAUTHORIZED=0 node app.js", TRUSTED_HOST, M),
                ("git commit --no-verify -m wip", SKIP_HOOKS, L),
            ]
        )
    ],
)
def test_weakened_package_sources_and_tls(cmd: str, rule: str, severity: Severity, everyday: str) -> None:
    assert found(shell(cmd)).get(rule) == severity, found(shell(cmd))
    f = found(shell(everyday))
    assert approved(shell(everyday)), f
    assert not {TRUSTED_HOST, UNTRUSTED_INDEX, SKIP_HOOKS} & set(f), f


# --- 5. credentials printed or exposed ------------------------------------------------------------------------------

_EVERYDAY_CREDENTIAL_TOOLS = [
    "kubectl config view",
    "gpg --list-keys",
    "gpg --export -a me@example.com",  # the public key
    'echo "$TOKEN" | docker login -u me --password-stdin ghcr.io',
    "ls ~/.local/share/keyrings/",
    "cp /usr/share/keyrings/docker.keyring /tmp/",  # apt's public keyrings are no secret
]


@pytest.mark.parametrize(
    ("cmd", "everyday"),
    [
        (c, _EVERYDAY_CREDENTIAL_TOOLS[k % len(_EVERYDAY_CREDENTIAL_TOOLS)])
        for k, c in enumerate(
            [
                "kubectl config view --raw",
                "kubectl config view --raw -o jsonpath='{.users[0].user.token}'",
                "gpg --export-secret-keys -a > keys.asc",
                "gpg --armor --export-secret-keys me@example.com",
                "docker login -u me -p hunter2 registry.example.com",
                "docker login --password=hunter2 ghcr.io",
                "cat ~/.bash_history",
                "grep token ~/.zsh_history",
                "cat terraform.tfstate",
                "cat ~/.local/share/keyrings/login.keyring",
            ]
        )
    ],
)
def test_credentials_printed_or_exposed_are_high(cmd: str, everyday: str) -> None:
    assert found(shell(cmd)).get(READ_SECRET) == H, found(shell(cmd))
    assert approved(shell(everyday)), found(shell(everyday))


# --- 6. false positives removed -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cmd",
    [
        "openssl req -x509 -newkey rsa:2048 -keyout key.pem -out cert.pem -nodes",
        "openssl genrsa -out certs/server.key 2048",
        "rm -rf ~/.npm/_cacache",
        "rm -rf ~/.npm/_logs",
        "rm -rf ~/.gradle/caches/modules-2",
        "rm -rf ~/.m2/repository/org/example",
        "rm -rf ~/.cargo/registry/cache",
    ],
)
def test_new_keys_in_the_project_and_package_caches_are_approved(cmd: str) -> None:
    assert approved(shell(cmd)), found(shell(cmd))
    assert approved(shell("rm -rf ~/.cache/pip"))
    assert found(shell("rm -rf ~/.npm")).get(HOME_SUBDIR) == H  # the folder itself is still a top-level home folder
    assert not approved(shell("rm -rf ~/.cargo/bin"))


def test_openssl_still_reads_an_input_key_and_overwrites_an_ssh_key() -> None:
    f = found(shell("openssl req -x509 -newkey rsa:2048 -keyout ~/.ssh/id_rsa -out cert.pem -nodes"))
    assert f.get(SECRET_OVERWRITE) == H, f
    assert found(shell("openssl rsa -in ~/.ssh/id_rsa -text")).get(READ_SECRET) == H
