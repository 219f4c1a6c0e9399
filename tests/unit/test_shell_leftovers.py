"""Gaps a security-team QA pass found in the shell analyser (service/policy/shell.py, through ``analyse_action``).

Each dangerous case below was approved before the rule it tests was extended: secrets printed into the agent's
transcript by a secrets manager's CLI, persistence files, remote code runners, destructive database commands,
``.env.*`` files and deletes walked by inline Python. The benign look-alikes must stay approved."""

from __future__ import annotations

import pytest

from service.vocabulary import Severity
from tests.unit._shell_helpers import approved, found, shell

# --- 1: a secrets manager's CLI prints the secret, which lands in the transcript (sent to the model's vendor) ---


@pytest.mark.parametrize(
    "cmd",
    [
        "vault kv get secret/prod",
        "vault kv get -field=password secret/prod",
        "vault read database/creds/app",
        "vault print token",
        "op read op://Private/prod/password",
        "op item get prod --reveal",
        "az account get-access-token",
        "az keyvault secret show --vault-name v --name db",
        "gcloud auth application-default print-access-token",
        "heroku config",
        "heroku config:get DATABASE_URL -a shop",
        "sudo vault kv get secret/prod",
        "sh -c 'op read op://Private/prod/password'",
    ],
)
def test_secret_manager_prints_are_cloud_secret(cmd: str) -> None:
    a = shell(cmd)
    assert found(a).get("tool_use.credential_access.cloud_secret") is Severity.high, found(a)


@pytest.mark.parametrize(
    "cmd",
    [
        "vault status",
        "vault login -method=oidc",
        "vault kv put secret/dev x=1",
        "vault kv list secret/",
        "op signin",
        "op item list",
        "op item get prod",
        "az account show",
        "heroku config:set DEBUG=1",
        "heroku logs --tail",
    ],
)
def test_secret_manager_look_alikes_stay_approved(cmd: str) -> None:
    a = shell(cmd)
    assert approved(a), found(a)
