"""Analyser gaps found by QA: the inline-code and environment-variable spellings of commands the shell rules already
judge, and ``kubectl delete`` in a production namespace.

1. ``PULUMI_SKIP_CONFIRMATIONS=true pulumi up`` skips the confirmation as ``--yes`` does: ``stack_apply`` (medium),
   as ``pulumi up --yes`` is (``pulumi destroy`` is ``stack_destroy``, high, with or without it). Likewise
   terraform's ``TF_CLI_ARGS[_apply]=-auto-approve`` (``terraform_apply``, medium) and ``-destroy``
   (``terraform_destroy``, high).
2. ``kubectl delete`` in a namespace or context named for production (``-n prod``, ``--namespace=production``,
   ``--context prod-eu``) is ``k8s_delete`` high, as ``kubectl scale --replicas=0`` there is; elsewhere it stays
   medium, and an option's value (``--namespace=dev``, ``-l tier=node``) is no longer read as the kind deleted.

The commands are only ever analysed here."""

from __future__ import annotations

import pytest

from service.vocabulary import Severity
from tests.unit._shell_helpers import approved, found, shell

L, M, H, C = Severity.low, Severity.medium, Severity.high, Severity.critical
ENV_DUMP = "tool_use.credential_access.env_dump"
EXFILTRATION = "tool_use.credential_access.exfiltration"
CLOUD_DELETE = "tool_use.destructive_infra.cloud_delete"
STACK_DESTROY = "tool_use.destructive_infra.stack_destroy"
STACK_APPLY = "tool_use.destructive_infra.stack_apply"
TF_APPLY = "tool_use.destructive_infra.terraform_apply"
TF_DESTROY = "tool_use.destructive_infra.terraform_destroy"
K8S_DELETE = "tool_use.destructive_infra.k8s_delete"
SCALE_ZERO = "tool_use.destructive_infra.k8s_scale_to_zero"


# ---------------------------------------------------------------- 3. confirmations skipped by an environment variable


@pytest.mark.parametrize(
    "cmd",
    [
        "PULUMI_SKIP_CONFIRMATIONS=true pulumi up",
        "PULUMI_SKIP_CONFIRMATIONS=1 pulumi up --stack prod",
        "export PULUMI_SKIP_CONFIRMATIONS=true; pulumi up",
        "env PULUMI_SKIP_CONFIRMATIONS=TRUE pulumi update",
    ],
)
def test_pulumi_skip_confirmations_is_stack_apply_as_yes_is(cmd: str) -> None:
    assert found(shell("pulumi up --yes"))[STACK_APPLY] == M
    assert found(shell(cmd)).get(STACK_APPLY) == M, cmd


def test_pulumi_destroy_with_skip_confirmations_is_stack_destroy_as_with_yes() -> None:
    assert found(shell("pulumi destroy --yes"))[STACK_DESTROY] == H
    a = shell("PULUMI_SKIP_CONFIRMATIONS=true pulumi destroy")
    assert found(a)[STACK_DESTROY] == H
    assert not approved(a)


@pytest.mark.parametrize(
    "cmd",
    ["PULUMI_SKIP_CONFIRMATIONS=false pulumi up", "PULUMI_SKIP_CONFIRMATIONS=true pulumi preview", "pulumi up"],
)
def test_pulumi_with_confirmation_is_nothing(cmd: str) -> None:
    assert STACK_APPLY not in found(shell(cmd)), cmd


def test_terraform_cli_args_are_read_as_the_options() -> None:
    assert found(shell("TF_CLI_ARGS_apply=-auto-approve terraform apply")).get(TF_APPLY) == M
    assert found(shell('TF_CLI_ARGS="-auto-approve" terraform apply')).get(TF_APPLY) == M
    assert found(shell('TF_CLI_ARGS_apply="-destroy -auto-approve" terraform apply')).get(TF_DESTROY) == H
    for benign in ("TF_CLI_ARGS_plan=-auto-approve terraform apply", 'TF_CLI_ARGS="-no-color" terraform apply'):
        assert not ({TF_APPLY, TF_DESTROY} & set(found(shell(benign)))), benign


def test_cloudformation_deploy_stays_unflagged() -> None:
    # a normal deploy, as kubectl apply or helm upgrade is: nothing to judge (decided, not an oversight)
    assert approved(shell("aws cloudformation deploy --template-file t.yaml --stack-name shop"))


# ---------------------------------------------------------------- 4. kubectl delete in production


@pytest.mark.parametrize(
    "cmd",
    [
        "kubectl delete deployment web -n prod",
        "kubectl delete deployment web --namespace=production",
        "kubectl -n prod delete svc web",
        "kubectl delete deployment web -nproduction",
        "kubectl --context prod-eu delete ingress web",
        "kubectl delete -f k8s/ -n shop-prod",
    ],
)
def test_kubectl_delete_in_production_is_high_as_scale_to_zero_is(cmd: str) -> None:
    assert found(shell("kubectl scale deploy web --replicas=0 -n prod"))[SCALE_ZERO] == H
    a = shell(cmd)
    assert found(a).get(K8S_DELETE) == H, cmd
    assert not approved(a), cmd


@pytest.mark.parametrize(
    "cmd",
    [
        "kubectl delete deployment web -n dev",
        "kubectl delete pod web-1 --namespace=dev",  # was high: the option's word namespace read as the kind
        "kubectl delete pod web-1 -l tier=node",  # was high: the label's node read as the kind
        "kubectl delete pod web-1 -n product-catalog",
    ],
)
def test_kubectl_delete_elsewhere_stays_medium(cmd: str) -> None:
    a = shell(cmd)
    assert found(a).get(K8S_DELETE) == M, cmd
    assert approved(a), cmd


@pytest.mark.parametrize(
    "cmd", ["kubectl delete ns staging", "kubectl delete pvc data-0 -n dev", "kubectl delete pods -l app=x -A"]
)
def test_kubectl_delete_of_namespaces_volumes_or_all_stays_high(cmd: str) -> None:
    assert found(shell(cmd)).get(K8S_DELETE) == H, cmd
