"""1Password CLI (``op``) forms that print a secret, or write it resolved into a file, judged as ``op read`` and
``op item get --reveal`` already are (``credential_access.cloud_secret``, H): the secret lands in the agent's
transcript. A file written with secrets resolved is judged as ``echo $SECRET > FILE`` is (``secret_in_file`` H;
the project's ``.env`` ``env_file_write`` M). Signing in, listing and non-secret fields stay approved."""

from __future__ import annotations

import pytest

from service.vocabulary import Severity
from tests.unit._shell_helpers import approved, found, shell

CLOUD_SECRET = "tool_use.credential_access.cloud_secret"
SECRET_IN_FILE = "tool_use.credential_access.secret_in_file"


@pytest.mark.parametrize(
    "cmd",
    [
        "op item get prod-db --fields password",
        "op item get prod-db --fields label=password",
        "op item get prod-db --fields=password",
        "op item get prod-db --vault Private --fields username,password",
        "op item get prod-db --fields label=username,label=password --format json",
        "op item get 'Stripe' --fields 'label=secret key'",
        "op item get github --fields token",
        "op item get aws --fields 'access key id','secret access key'",
        "op item get prod-db --fields type=concealed",
        "op item get prod-db --fields type=CONCEALED --format=json",
        "op item get github --otp",
        "op item get prod-db --format json",
        "op item get prod-db --format=json",
        "op item get prod-db --vault Private --format JSON | jq -r '.fields[] | .value'",
        "op --format json item get prod-db",
        "op --account my.1password.com item get prod-db --fields password",
        "op item get prod-db --fields password | pbcopy",
        "op inject -i config.yml.tpl",
        "cat config.yml.tpl | op inject",
        "op inject --in-file config.yml.tpl --out-file /dev/stdout",
        "op document get backup-codes",
        "op document get 'prod TLS bundle' --vault Ops",
        "sudo op document get backup-codes",
        "op run --no-masking -- env",
        "op run --no-masking --env-file app.env -- printenv",
    ],
)
def test_op_prints_a_secret(cmd: str) -> None:
    a = shell(cmd)
    assert found(a).get(CLOUD_SECRET) is Severity.high, found(a)


@pytest.mark.parametrize(
    "cmd",
    [
        "op inject -i config.yml.tpl -o config.yml",
        "op inject -i config.yml.tpl -o /tmp/config.yml",
        "op inject --in-file config.yml.tpl --out-file=deploy/values.yaml",
        "op document get backup-codes --out-file codes.txt",
        "op document get backup-codes -o /tmp/codes.txt",
    ],
)
def test_op_writes_resolved_secrets_into_a_file(cmd: str) -> None:
    a = shell(cmd)
    assert found(a).get(SECRET_IN_FILE) is Severity.high, found(a)


def test_op_inject_into_the_project_env_file_is_an_env_file_write() -> None:
    # as `echo $GITHUB_TOKEN > .env` is: the project's own .env, where local secrets live (M, noted)
    a = shell("op inject -i app.env.tpl -o .env")
    assert found(a).get("tool_use.credential_access.env_file_write") is Severity.medium, found(a)
    assert approved(a), found(a)


def test_op_inject_over_a_credential_file_is_a_secret_overwrite() -> None:
    a = shell("op inject -i creds.tpl -o ~/.aws/credentials")
    assert found(a).get("tool_use.credential_access.secret_overwrite") is Severity.high, found(a)


def test_op_run_prints_the_environment_masked_by_default() -> None:
    # op run conceals the secrets it resolved in what the command prints, unless --no-masking: noted (M), not high
    for cmd in ("op run -- env", "op run -- printenv", "op run --env-file app.env -- printenv DB_PASSWORD"):
        a = shell(cmd)
        assert found(a).get(CLOUD_SECRET) is Severity.medium, (cmd, found(a))
        assert approved(a), (cmd, found(a))


def test_op_run_command_is_analysed() -> None:
    assert found(shell("op run -- rm -rf ~")).get("tool_use.destructive_fs.root_or_home") is Severity.critical
    assert found(shell("op run --env-file app.env -- sh -c 'rm -rf ~'")).get(
        "tool_use.destructive_fs.root_or_home"
    ) is Severity.critical


@pytest.mark.parametrize(
    "cmd",
    [
        "op signin",
        "op whoami",
        "op item list",
        "op item list --vault Private --format json",
        "op vault list",
        "op item get prod-db",
        "op item get prod-db --fields username",
        "op item get prod-db --fields label=username",
        "op item get prod-db --fields username,website --format json",
        "op item get prod-db --fields email",
        "op document list",
        "op inject -i config.yml.tpl -o /dev/null",
        "op run --env-file app.env -- npm start",
        "op run -- pytest -q",
        "op item create --category login --title x username=dev",
    ],
)
def test_op_look_alikes_stay_approved(cmd: str) -> None:
    a = shell(cmd)
    assert approved(a), found(a)
    assert CLOUD_SECRET not in found(a), found(a)
