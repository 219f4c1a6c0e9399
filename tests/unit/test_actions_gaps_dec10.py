"""Known misses of the action analyser (docs/actions.md, "Honest limits", left on 2026-12-09), each judged as the
direct spelling of the same act is. Each dangerous form was approved before; each look-alike is checked beside it and
stays approved.

1. A function reached through ``getattr(shutil, 'rmtree')``, ``setattr(o, 'go', shutil.rmtree)`` or an attribute
   (``o.go = shutil.rmtree; o.go('/')``) is that function.
2. Functions put in a list (``fns.append(shutil.rmtree)``, ``fns.push(fs.rmSync)``, ``fns = [print, wipe]``) and
   called in a loop over it (``for f in fns: f('/')``) are each called with the loop's arguments.
3. ``aws sqs purge-queue`` (every message deleted) and ``aws ec2 deregister-image`` (the AMI deleted):
   ``cloud_delete`` (high); other ``deregister-*`` (a task definition, targets): noted (medium), not blocked.
4. Google Cloud's and Azure's unlisted deletes, read by the kind named before ``delete`` (``gcloud datastream streams
   delete``, ``az servicebus queue delete``): ``cloud_delete`` (high) when it holds data or runs a service.
5. tmux's ``bind-key … run-shell 'CMD'`` and ``set-option default-command 'CMD'`` are analysed as CMD; a
   default-command other than a shell runs in every new pane: ``persistence.autorun_config`` (high).

The commands are only ever analysed here."""

from __future__ import annotations

import pytest

from service.vocabulary import Severity
from tests.unit._gap_helpers import AUTORUN, CLOUD_DELETE, ROOT_OR_HOME, C, H, M, approved_without, node, py
from tests.unit._shell_helpers import blocked_as, found, shell

SH = "import os, shutil\n"
FS = "const fs = require('fs'), os = require('os'); "
DIRECT = py(SH + "shutil.rmtree('/')")

# ---------------------------------------------------------------- 1-2. indirection and lists of callbacks

INDIRECT = [
    py(SH + "getattr(shutil, 'rmtree')(os.path.expanduser('~'))"),
    py(SH + "f = getattr(shutil, 'rmtree')\nf('/')"),
    "python3 -c \"import shutil; getattr(shutil, 'rmtree')('/')\"",
    py(SH + "fn = getattr(shutil, 'rmtree', None)\nif fn:\n    fn(os.path.expanduser('~'))"),
    py(SH + "class O:\n    pass\no = O()\nsetattr(o, 'go', shutil.rmtree)\no.go('/')"),
    py(SH + "class O:\n    pass\no = O()\no.go = shutil.rmtree\no.go(os.path.expanduser('~'))"),
    py(SH + "fns = []\nfns.append(shutil.rmtree)\nfor f in fns:\n    f('/')"),
    py(SH + "fns = [print]\nfns.append(shutil.rmtree)\nfor f in fns:\n    f(os.path.expanduser('~'))"),
    py(SH + "def wipe(p):\n    shutil.rmtree(p)\nfns = []\nfns.append(wipe)\nfor f in fns:\n    f('/')"),
    py(SH + "for f in [print, shutil.rmtree]:\n    f('/')"),
    py(SH + "fns = [shutil.rmtree]\nfor f in fns:\n    f('/')"),
    node(FS + "const fns = []; fns.push(fs.rmSync); for (const f of fns) f(os.homedir(), {recursive: true})"),
    node(FS + "for (const f of [fs.rmSync]) f(os.homedir(), {recursive: true, force: true})"),
]


@pytest.mark.parametrize("cmd", INDIRECT)
def test_function_reached_through_getattr_setattr_or_a_list_is_that_function(cmd: str) -> None:
    blocked_as(DIRECT, ROOT_OR_HOME, C)
    blocked_as(cmd, ROOT_OR_HOME, C)


@pytest.mark.parametrize(
    "lookalike",
    [
        py(SH + "x = getattr(obj, 'name')\nprint(x)"),
        py(SH + "x = getattr(settings, 'DEBUG', False)\nprint(x)"),
        py(SH + "getattr(shutil, 'rmtree')('/tmp/build')"),
        py(SH + "setattr(cfg, 'debug', True)\nprint(cfg.debug)"),
        py(SH + "fns = []\nfns.append(print)\nfor f in fns:\n    f('/')"),
        py(SH + "fns = []\nfns.append(shutil.rmtree)\nfor f in fns:\n    f('build')"),
        py(SH + "fns = [len, str]\nfor f in fns:\n    print(f('/'))"),
        node(FS + "const fns = []; fns.push(console.log); for (const f of fns) f(os.homedir())"),
        node(FS + "const fns = []; fns.push(fs.rmSync); for (const f of fns) f('dist', {recursive: true})"),
    ],
)
def test_getattr_and_callback_lookalikes_stay_approved(lookalike: str) -> None:
    blocked_as(py(SH + "getattr(shutil, 'rmtree')('/')"), ROOT_OR_HOME, C)
    approved_without(lookalike, ROOT_OR_HOME)


# ---------------------------------------------------------------- 3. AWS purge-queue and deregister-*

@pytest.mark.parametrize(
    "cmd",
    [
        "aws sqs purge-queue --queue-url https://sqs.eu-west-1.amazonaws.com/123456789012/orders",
        "aws --region eu-west-1 sqs purge-queue --queue-url https://sqs.eu-west-1.amazonaws.com/1/dev-orders",
        "aws ec2 deregister-image --image-id ami-0abc1234",
    ],
)
def test_purge_queue_and_deregister_image_are_cloud_delete(cmd: str) -> None:
    blocked_as(cmd, CLOUD_DELETE, H)


@pytest.mark.parametrize(
    "cmd",
    [
        "aws ecs deregister-task-definition --task-definition web:3",
        "aws elbv2 deregister-targets --target-group-arn arn:aws:elasticloadbalancing:eu-west-1:1:tg/web/1 "
        "--targets Id=i-0abc",
        "aws ecs deregister-container-instance --cluster prod --container-instance abc",
    ],
)
def test_other_deregisters_are_noted_not_blocked(cmd: str) -> None:
    assert found(shell(cmd)).get(CLOUD_DELETE) == M, cmd
    approved_without(cmd)


@pytest.mark.parametrize(
    "lookalike",
    [
        "aws sqs receive-message --queue-url https://sqs.eu-west-1.amazonaws.com/1/orders",
        "aws sqs get-queue-attributes --queue-url https://sqs.eu-west-1.amazonaws.com/1/orders",
        "aws ecs register-task-definition --cli-input-json file://task.json",
        "aws ecs list-task-definitions",
        "aws ec2 describe-images --owners self",
        "aws sqs purge-queue help",
        "aws ec2 deregister-image --image-id ami-0abc --dry-run",
    ],
)
def test_queue_reads_and_registrations_stay_approved(lookalike: str) -> None:
    blocked_as("aws sqs purge-queue --queue-url https://sqs.eu-west-1.amazonaws.com/1/orders", CLOUD_DELETE, H)
    approved_without(lookalike, CLOUD_DELETE)


# ---------------------------------------------------------------- 4. Google Cloud's and Azure's unlisted deletes

@pytest.mark.parametrize(
    "cmd",
    [
        "gcloud datastream streams delete orders-cdc --location=europe-west1",
        "gcloud endpoints services delete api.shop.example.com",
        "gcloud bigtable tables delete events --instance=prod",
        "gcloud composer environments delete etl --location=europe-west1",
        "az servicebus queue delete -g rg --namespace-name shop -n orders",
        "az servicebus topic delete -g rg --namespace-name shop -n events",
        "az eventhubs eventhub delete -g rg --namespace-name shop -n clicks",
        "az search service delete -g rg -n shop-search --yes",
        "az cognitiveservices account delete -g rg -n openai",
        "az mariadb server delete -g rg -n legacy --yes",
        "az acr repository delete -n shopacr --repository app --yes",
    ],
)
def test_unlisted_gcloud_and_az_deletes_of_holders_are_cloud_delete(cmd: str) -> None:
    blocked_as(cmd, CLOUD_DELETE, H)


@pytest.mark.parametrize(
    "lookalike",
    [
        "gcloud compute instances list",
        "gcloud datastream streams describe orders-cdc --location=europe-west1",
        "gcloud compute firewall-rules delete allow-ssh",
        "gcloud dns record-sets delete www.example.com. --type=A --zone=z",
        "gcloud pubsub subscriptions delete stale-sub",
        "gcloud iam service-accounts delete ci@shop.iam.gserviceaccount.com",
        "gcloud datastream streams delete --help",
        "az group show -n rg",
        "az servicebus queue show -g rg --namespace-name shop -n orders",
        "az network nsg rule delete -g rg --nsg-name web -n ssh",
        "az keyvault secret delete --vault-name kv -n old",
        "az tag delete --name env --yes",
        "az role assignment delete --assignee dev@example.com",
        "az acr repository delete -n shopacr --image app:old --yes",
    ],
)
def test_gcloud_and_az_parts_reads_and_items_stay_approved(lookalike: str) -> None:
    blocked_as("az servicebus queue delete -g rg --namespace-name shop -n orders", CLOUD_DELETE, H)
    approved_without(lookalike, CLOUD_DELETE)


# ---------------------------------------------------------------- 5. tmux key bindings and default-command

@pytest.mark.parametrize(
    ("cmd", "rule", "severity"),
    [
        ("tmux bind-key r run-shell 'rm -rf ~'", ROOT_OR_HOME, C),
        ("tmux bind -T prefix r run-shell 'rm -rf ~'", ROOT_OR_HOME, C),
        ("tmux set-option -g default-command '~/.cache/.agent/run.sh'", AUTORUN, H),
        ("tmux set -g default-command 'bash -c \"~/.local/.x; exec bash\"'", AUTORUN, H),
    ],
)
def test_tmux_bindings_and_default_command_are_read(cmd: str, rule: str, severity: Severity) -> None:
    blocked_as(cmd, rule, severity)


@pytest.mark.parametrize(
    "lookalike",
    [
        "tmux bind-key c new-window",
        "tmux bind-key r run-shell 'tmux source-file ~/.tmux.conf'",
        "tmux bind -T prefix | split-window -h",
        "tmux set-option -g default-command 'reattach-to-user-namespace -l zsh'",
        "tmux set -g default-command bash",
        "tmux set-option -g default-shell /bin/zsh",
    ],
)
def test_tmux_lookalikes_stay_approved(lookalike: str) -> None:
    blocked_as("tmux bind-key r run-shell 'rm -rf ~'", ROOT_OR_HOME, C)
    approved_without(lookalike, AUTORUN, ROOT_OR_HOME)
