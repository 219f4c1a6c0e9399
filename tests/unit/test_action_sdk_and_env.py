"""Analyser gaps found by QA: the inline-code and environment-variable spellings of commands the shell rules already
judge, and ``kubectl delete`` in a production namespace.

1. Inline code deleting cloud resources through an SDK (boto3 ``delete_bucket``, ``Bucket(…).objects.all().delete()``,
   ``delete_db_instance``, ``terminate_instances``, DynamoDB ``delete_table``, google-cloud-storage
   ``bucket.delete(force=True)``, the AWS SDK for JavaScript's commands) is ``destructive_infra.cloud_delete`` (high),
   as ``aws s3 rb``/``aws ec2 terminate-instances`` are; ``delete_stack`` is ``stack_destroy`` (high), as ``aws
   cloudformation delete-stack`` is. Reads (``list_buckets``, ``get_object``, ``describe_instances``) and one object
   deleted (``delete_object``, ``blob.delete()``, as ``aws s3 rm s3://b/key`` is) stay approved.
2. ``PULUMI_SKIP_CONFIRMATIONS=true pulumi up`` skips the confirmation as ``--yes`` does: ``stack_apply`` (medium),
   as ``pulumi up --yes`` is (``pulumi destroy`` is ``stack_destroy``, high, with or without it). Likewise
   terraform's ``TF_CLI_ARGS[_apply]=-auto-approve`` (``terraform_apply``, medium) and ``-destroy``
   (``terraform_destroy``, high).
3. ``kubectl delete`` in a namespace or context named for production (``-n prod``, ``--namespace=production``,
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


# ---------------------------------------------------------------- 2. cloud resources deleted through an SDK

SDK_DELETES = [
    "python3 -c \"import boto3; boto3.client('s3').delete_bucket(Bucket='shop-prod-assets')\"",
    "python3 -c \"import boto3; boto3.resource('s3').Bucket('shop-prod-assets').objects.all().delete()\"",
    "python3 -c \"import boto3; b = boto3.resource('s3').Bucket('x'); b.objects.all().delete()\"",
    "python3 -c \"import boto3; boto3.resource('s3').Bucket('x').object_versions.all().delete()\"",
    "python3 -c \"import boto3; boto3.resource('s3').Bucket('x').delete()\"",
    "python3 -c \"import boto3; boto3.client('rds').delete_db_instance(DBInstanceIdentifier='shop', "
    'SkipFinalSnapshot=True)"',
    "python3 -c \"import boto3; boto3.client('ec2').terminate_instances(InstanceIds=['i-0abc'])\"",
    "python3 -c \"import boto3; boto3.client('dynamodb').delete_table(TableName='orders')\"",
    "python3 -c \"import boto3; boto3.resource('dynamodb').Table('orders').delete()\"",
    "python3 -c \"import boto3; boto3.client('iam').delete_user(UserName='ci')\"",
    "python3 -c \"from google.cloud import storage; storage.Client().bucket('shop-assets').delete(force=True)\"",
    "python3 -c \"from google.cloud import storage; b = storage.Client().get_bucket('x'); b.delete(force=True)\"",
    "python3 -c \"from googleapiclient import discovery; discovery.build('compute', 'v1').instances()"
    ".delete(project='p', zone='z', instance='i').execute()\"",
    "python3 -c \"from azure.mgmt.resource import ResourceManagementClient as R; "
    "R(c, s).resource_groups.begin_delete('shop-rg')\"",
    "node -e \"const {S3Client, DeleteBucketCommand} = require('@aws-sdk/client-s3'); "
    "new S3Client({}).send(new DeleteBucketCommand({Bucket: 'x'}))\"",
    "node -e \"const AWS = require('aws-sdk'); new AWS.EC2().terminateInstances({InstanceIds: ['i-1']}).promise()\"",
]


@pytest.mark.parametrize("cmd", SDK_DELETES)
def test_sdk_delete_is_cloud_delete_as_the_cli_is(cmd: str) -> None:
    assert found(shell("aws s3 rb s3://shop-prod-assets --force"))[CLOUD_DELETE] == H
    assert found(shell("aws ec2 terminate-instances --instance-ids i-0abc"))[CLOUD_DELETE] == H
    a = shell(cmd)
    assert found(a).get(CLOUD_DELETE) == H, cmd
    assert not approved(a), cmd


def test_sdk_stack_delete_is_stack_destroy_as_the_cli_is() -> None:
    assert found(shell("aws cloudformation delete-stack --stack-name shop"))[STACK_DESTROY] == H
    a = shell("python3 -c \"import boto3; boto3.client('cloudformation').delete_stack(StackName='shop')\"")
    assert found(a).get(STACK_DESTROY) == H
    assert not approved(a)


def test_sdk_delete_typed_into_a_repl_is_cloud_delete() -> None:
    # the Codex importer reads lines typed into a python REPL as python3 -c CODE (the client made earlier)
    assert found(shell("python3 -c \"s3.delete_bucket(Bucket='shop-prod-assets')\"")).get(CLOUD_DELETE) == H


@pytest.mark.parametrize(
    "cmd",
    [
        "python3 -c \"import boto3; print(boto3.client('s3').list_buckets())\"",
        "python3 -c \"import boto3; print(boto3.client('s3').get_object(Bucket='b', Key='k')['Body'].read())\"",
        "python3 -c \"import boto3; print(boto3.client('ec2').describe_instances())\"",
        "python3 -c \"import boto3; print(boto3.client('dynamodb').describe_table(TableName='orders'))\"",
        "python3 -c \"import boto3; boto3.client('s3').create_bucket(Bucket='x')\"",
        "python3 -c \"import boto3; boto3.client('s3').delete_object(Bucket='b', Key='tmp/x.json')\"",
        "python3 -c \"from google.cloud import storage; storage.Client().bucket('b').blob('tmp/x').delete()\"",
        "python3 -c \"from google.cloud import storage; b = storage.Client().bucket('b'); b.delete_blob('tmp/x')\"",
        "python3 manage.py shell -c \"from shop.models import Cart; Cart.objects.filter(stale=True).delete()\"",
        "python3 -c \"t = {}; t.delete_table('x')\"",  # no DynamoDB or BigQuery in sight
    ],
)
def test_sdk_reads_and_single_objects_stay_approved(cmd: str) -> None:
    a = shell(cmd)
    assert CLOUD_DELETE not in found(a) and STACK_DESTROY not in found(a), cmd
    assert approved(a), cmd


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
