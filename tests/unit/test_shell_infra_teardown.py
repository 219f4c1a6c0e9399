"""Infrastructure teardown and switching Oversight off (QA report): commands that were approved with no finding while
their siblings were caught (``terraform destroy``, ``aws s3 rm --recursive``, ``heroku apps:destroy``, ``kubectl
delete ns`` high; ``rm ~/.claude/settings.json`` high as ``persistence.agent_config``).

1. Infrastructure-as-code and cloud teardown: ``pulumi destroy``/``stack rm``, ``cdk destroy``, ``aws cloudformation
   delete-stack`` (``destructive_infra.stack_destroy``, H; ``pulumi up --yes`` and ``cdk deploy --require-approval
   never`` are ``stack_apply``, M, as ``terraform apply -auto-approve`` is ``terraform_apply``, M), ``helm
   uninstall|delete`` (``k8s_delete``, H), ``gsutil rm -r``/``gcloud storage rm -r``, ``fly apps destroy``,
   ``vercel remove`` (``cloud_delete``, H).
2. Docker volumes (named volumes hold databases): ``docker compose down -v``, ``docker-compose down --volumes``,
   ``docker volume rm|prune``, ``docker system prune --volumes`` (``destructive_fs.docker_volume_delete``, H); a
   prune of images only stays ``docker_prune`` (M).
3. ``kubectl scale … --replicas=0``: ``destructive_infra.k8s_scale_to_zero``, M (the workload and its volumes stay,
   one command brings it back, as a ``kubectl delete`` of one resource is M); H in a namespace or context named for
   production (``-n production``, ``--context prod-eu``) or with ``--all``: an outage of the live service.
4. Switching Oversight off: uninstalling its package (``pip|pip3|python -m pip|uv pip uninstall oversight``,
   ``pipx|uv tool uninstall oversight``, ``uv|poetry|pdm remove oversight``), moving a coding agent's settings
   away (``mv ~/.claude/settings.json /tmp/``: ``persistence.agent_config``, as ``rm`` of it is) and writing,
   moving over or deleting the hook's program (``…/bin/oversight``): ``privilege_escalation.tamper_oversight``, H;
   an MCP move/rename tool's source is judged as ``mv``'s.
5. The siblings behind global options: ``kubectl -n prod delete ns``, ``terraform -chdir=infra destroy`` (and
   ``terraform apply -destroy``) were approved too.

Each has benign look-alikes that stay approved. The commands are only ever analysed here."""

from __future__ import annotations

import pytest

from service.policy.actions import analyse_action
from service.vocabulary import Severity
from tests.unit._shell_helpers import CWD, POLICY, approved, found, shell

H = Severity.high
M = Severity.medium
STACK_DESTROY = "tool_use.destructive_infra.stack_destroy"
STACK_APPLY = "tool_use.destructive_infra.stack_apply"
CLOUD_DELETE = "tool_use.destructive_infra.cloud_delete"
K8S_DELETE = "tool_use.destructive_infra.k8s_delete"
SCALE_ZERO = "tool_use.destructive_infra.k8s_scale_to_zero"
VOLUME_DELETE = "tool_use.destructive_fs.docker_volume_delete"
DOCKER_PRUNE = "tool_use.destructive_fs.docker_prune"
TAMPER = "tool_use.privilege_escalation.tamper_oversight"
AGENT_CONFIG = "tool_use.persistence.agent_config"

def _raised(command: str, rule: str, severity: Severity) -> None:
    a = shell(command)
    f = found(a)
    assert f.get(rule) == severity, (command, f)
    if severity is H:
        assert not approved(a), command
    else:
        assert approved(a), (command, f)

def _quiet(command: str) -> None:
    a = shell(command)
    assert approved(a), (command, found(a))
    assert not any(f.severity.rank >= M.rank for f in a.findings), (command, found(a))

# --- 1. infrastructure-as-code and cloud teardown -----------------------------------------------------------------

@pytest.mark.parametrize(
    ("command", "rule"),
    [
        ("pulumi destroy --yes", STACK_DESTROY),
        ("pulumi destroy -y -s prod", STACK_DESTROY),
        ("pulumi --cwd infra destroy --yes", STACK_DESTROY),
        ("pulumi down --yes", STACK_DESTROY),
        ("pulumi stack rm", STACK_DESTROY),
        ("pulumi stack rm prod --yes --force", STACK_DESTROY),
        ("pulumi stack remove prod", STACK_DESTROY),
        ("cdk destroy --all --force", STACK_DESTROY),
        ("cdk destroy ShopStack -f", STACK_DESTROY),
        ("npx cdk destroy --all --force", STACK_DESTROY),
        ("npx aws-cdk destroy --all", STACK_DESTROY),
        ("aws cloudformation delete-stack --stack-name prod", STACK_DESTROY),
        ("aws --region eu-west-1 cloudformation delete-stack --stack-name prod", STACK_DESTROY),
        ("aws cloudformation delete-stack-set --stack-set-name prod", STACK_DESTROY),
        ("sam delete --stack-name prod --no-prompts", STACK_DESTROY),
        ("helm uninstall shop -n production", K8S_DELETE),
        ("helm delete shop", K8S_DELETE),
        ("helm --kube-context prod uninstall shop", K8S_DELETE),
        ("helm del shop --purge", K8S_DELETE),
        ("gsutil -m rm -r gs://prod-bucket", CLOUD_DELETE),
        ("gsutil rm -R gs://prod-bucket/uploads", CLOUD_DELETE),
        ("gsutil -m rm gs://prod-bucket/**", CLOUD_DELETE),
        ("gsutil rb gs://prod-bucket", CLOUD_DELETE),
        ("gcloud storage rm -r gs://prod-bucket", CLOUD_DELETE),
        ("gcloud storage rm --recursive gs://prod-bucket", CLOUD_DELETE),
        ("gcloud storage buckets delete gs://prod-bucket", CLOUD_DELETE),
        ("flyctl apps destroy shop-prod -y", CLOUD_DELETE),
        ("fly apps destroy shop-prod", CLOUD_DELETE),
        ("fly apps delete shop-prod --yes", CLOUD_DELETE),
        ("flyctl destroy shop-prod -y", CLOUD_DELETE),
        ("fly volumes destroy vol_123 -y", CLOUD_DELETE),
        ("fly postgres destroy shop-db", CLOUD_DELETE),
        ("vercel remove shop --yes", CLOUD_DELETE),
        ("vercel rm shop -y", CLOUD_DELETE),
        ("vercel project rm shop", CLOUD_DELETE),
        ("npx vercel remove shop --yes", CLOUD_DELETE),
        ("cat stale.txt | gsutil -m rm -I", CLOUD_DELETE),
        ("gcloud storage rm --read-paths-from-stdin < stale.txt", CLOUD_DELETE),
        ("gcloud storage rm -I < stale.txt", CLOUD_DELETE),
        ("fly machine destroy 148ed599c14189 --force", CLOUD_DELETE),
        ("flyctl machines rm 148ed599c14189 -a shop-prod", CLOUD_DELETE),
        ("fly m destroy 148ed599c14189", CLOUD_DELETE),
        ("vercel domains rm shop.example.com --yes", CLOUD_DELETE),
        ("vercel domain remove shop.example.com", CLOUD_DELETE),
        ("vercel dns rm rec_123abc", CLOUD_DELETE),
    ],
)
def test_infrastructure_teardown_is_high(command: str, rule: str) -> None:
    _raised(command, rule, H)

@pytest.mark.parametrize(
    "command",
    [
        "pulumi up --yes",
        "pulumi up -y --skip-preview",
        "pulumi update --yes",
        "cdk deploy --all --require-approval never",
        "cdk deploy ShopStack --require-approval=never",
    ],
)
def test_unattended_stack_apply_is_medium(command: str) -> None:
    _raised(command, STACK_APPLY, M)

@pytest.mark.parametrize(
    "command",
    [
        "pulumi preview",
        "pulumi up",
        "pulumi stack ls",
        "pulumi stack select prod",
        "pulumi config set aws:region eu-west-1",
        "pulumi destroy --help",
        "cdk diff",
        "cdk synth",
        "cdk deploy",
        "cdk list",
        "aws cloudformation describe-stacks --stack-name prod",
        "aws cloudformation deploy --template-file t.yaml --stack-name prod",
        "helm list",
        "helm list -n production",
        "helm upgrade --install shop ./chart",
        "helm status shop",
        "helm history shop",
        "helm repo remove bitnami",
        "helm plugin uninstall diff",
        "gsutil ls",
        "gsutil ls -r gs://prod-bucket",
        "gsutil cp a.txt gs://b/",
        "gsutil rm gs://prod-bucket/tmp/old.log",
        "gcloud storage ls gs://prod-bucket",
        "gcloud storage rm gs://prod-bucket/tmp/old.log",
        "fly apps list",
        "fly deploy",
        "flyctl status -a shop-prod",
        "fly logs",
        "vercel",
        "vercel deploy --prod",
        "vercel ls",
        "vercel env ls",
        "vercel domains ls",
        "vercel domains add shop.example.com",
        "vercel dns ls shop.example.com",
        "fly machine list",
        "fly machine stop 148ed599c14189",
        "fly machine status 148ed599c14189",
        "gsutil ls -I",
        "sam deploy",
        "sam build",
    ],
)
def test_infrastructure_look_alikes_stay_quiet(command: str) -> None:
    _quiet(command)

def test_terraform_siblings_unchanged() -> None:
    _raised("terraform destroy", "tool_use.destructive_infra.terraform_destroy", H)
    _raised("terraform apply -auto-approve", "tool_use.destructive_infra.terraform_apply", M)
    _quiet("terraform plan")


# --- 2. docker volumes ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "docker compose down -v",
        "docker compose down --volumes",
        "docker compose -f compose.prod.yml down -v",
        "docker compose --project-name shop down --volumes --remove-orphans",
        "docker-compose down --volumes",
        "docker-compose -f docker-compose.yml down -v",
        "podman-compose down -v",
        "docker volume rm pgdata",
        "docker volume rm -f shop_pgdata shop_redis",
        "docker volume prune -f",
        "docker volume prune -af",
        "docker system prune -a --volumes",
        "docker system prune --volumes -f",
        "docker --context prod volume rm pgdata",
        "sudo docker compose down -v",
    ],
)
def test_docker_volume_deletes_are_high(command: str) -> None:
    _raised(command, VOLUME_DELETE, H)


@pytest.mark.parametrize(
    "command",
    [
        "docker compose down",
        "docker compose down --remove-orphans",
        "docker compose up -d",
        "docker compose -f compose.yml up -d --build",
        "docker compose run -v ./data:/data app pytest",
        "docker compose logs -f db",
        "docker-compose down",
        "docker-compose up -d",
        "docker volume ls",
        "docker volume inspect pgdata",
        "docker volume create pgdata",
        "docker run -v pgdata:/var/lib/postgresql/data postgres",
        "docker rm -v old-container",
        "docker compose rm -f -v db",
        "docker system df",
        "docker image prune -f",
    ],
)
def test_docker_volume_look_alikes_stay_quiet(command: str) -> None:
    _quiet(command)


def test_image_prune_stays_medium() -> None:
    _raised("docker system prune -a -f", DOCKER_PRUNE, M)
    assert VOLUME_DELETE not in found(shell("docker system prune -a -f"))


# --- 3. kubectl scale to zero ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "kubectl scale deploy/shop --replicas=0 -n production",
        "kubectl scale deployment shop --replicas 0 --namespace=production",
        "kubectl -n prod scale deploy/shop --replicas=0",
        "kubectl scale statefulset/db --replicas=0 --context prod-eu",
        "kubectl scale deploy --all --replicas=0",
        "kubectl scale deploy --replicas=0 --all -n staging",
    ],
)
def test_scale_to_zero_in_production_is_high(command: str) -> None:
    _raised(command, SCALE_ZERO, H)


@pytest.mark.parametrize(
    "command",
    [
        "kubectl scale deploy/shop --replicas=0",
        "kubectl scale deploy/worker --replicas=0 -n staging",
        "kubectl scale --replicas=0 -f deploy.yaml",
        "kubectl --namespace dev scale rs/web --replicas=00",
    ],
)
def test_scale_to_zero_elsewhere_is_medium(command: str) -> None:
    _raised(command, SCALE_ZERO, M)


@pytest.mark.parametrize(
    "command",
    [
        "kubectl scale --replicas=3 deploy/shop",
        "kubectl scale deploy/shop --replicas=10 -n production",
        "kubectl scale deploy/shop --current-replicas=0 --replicas=2 -n production",
        "kubectl get deploy -n production",
        "kubectl rollout status deploy/shop -n production",
    ],
)
def test_scale_look_alikes_stay_quiet(command: str) -> None:
    _quiet(command)


def test_scaling_oversight_itself_is_still_tamper() -> None:
    assert found(shell("kubectl scale deploy/oversight --replicas=0")).get(TAMPER) == H


# --- 4. switching Oversight off ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "pip uninstall -y oversight",
        "pip uninstall oversight",
        "pip3 uninstall --yes Oversight",
        "python -m pip uninstall -y oversight",
        "python3 -m pip uninstall -y requests oversight",
        ".venv/bin/pip uninstall -y oversight",
        "uv pip uninstall oversight",
        "uv pip uninstall --python .venv oversight",
        "pipx uninstall oversight",
        "uv tool uninstall oversight",
        "uv remove oversight",
        "poetry remove oversight",
        "pdm remove oversight",
        "pip uninstall -y oversight==0.1.0",
    ],
)
def test_uninstalling_oversight_is_tamper(command: str) -> None:
    _raised(command, TAMPER, H)


@pytest.mark.parametrize(
    "command",
    [
        "pip uninstall -y requests",
        "pip uninstall -y oversight-client",
        "pip uninstall -y django-oversight",
        "uv pip uninstall requests",
        "pipx uninstall black",
        "uv tool uninstall ruff",
        "uv remove httpx",
        "poetry remove requests",
        "pip install oversight",
        "pip show oversight",
        "uv pip list",
    ],
)
def test_uninstalling_other_packages_stays_quiet(command: str) -> None:
    _quiet(command)


@pytest.mark.parametrize(
    "command",
    [
        "mv ~/.claude/settings.json /tmp/",
        "mv ~/.claude/settings.json ~/.claude/settings.json.off",
        "mv /home/dev/.claude /tmp/claude-backup",
        "mv .claude/settings.local.json /tmp/x.json",
        "mv -f ~/.claude/settings.json ~/Desktop/",
        "mv ~/.codex/config.toml /tmp/",
    ],
)
def test_moving_agent_settings_away_is_agent_config(command: str) -> None:
    _raised(command, AGENT_CONFIG, H)


@pytest.mark.parametrize(
    "command",
    [
        "mv settings.json.bak settings.json",
        "mv config/settings.json config/settings.old.json",
        "mv src/claude.py src/claude_client.py",
        "cp ~/.claude/settings.json /tmp/settings-review.json",
    ],
)
def test_moving_ordinary_settings_stays_quiet(command: str) -> None:
    _quiet(command)


@pytest.mark.parametrize(
    "command",
    [
        "echo 'exit 0' > /home/dev/shop/.venv/bin/oversight",
        "echo 'exit 0' > .venv/bin/oversight",
        "printf '#!/bin/sh\\nexit 0\\n' > ~/.local/bin/oversight",
        "cp /bin/true .venv/bin/oversight",
        "mv .venv/bin/oversight /tmp/",
        "rm -f .venv/bin/oversight",
        "ln -sf /bin/true .venv/bin/oversight",
        "tee .venv/bin/oversight <<< 'exit 0'",
        "sed -i 's/main()/exit(0)/' .venv/bin/oversight",
    ],
)
def test_replacing_oversights_program_is_tamper(command: str) -> None:
    _raised(command, TAMPER, H)


@pytest.mark.parametrize(
    "command",
    [
        "echo 'exit 0' > .venv/bin/other-tool",
        "cp scripts/lint.sh .venv/bin/lint",
        "echo x > docs/oversight",
        "echo x > bin/oversight.md",
        "cat .venv/bin/oversight",
        ".venv/bin/oversight policies check",
    ],
)
def test_other_programs_stay_quiet(command: str) -> None:
    _quiet(command)


def test_write_tool_on_oversights_program_is_tamper() -> None:
    a = analyse_action("write_file", {"path": ".venv/bin/oversight", "content": "#!/bin/sh\nexit 0\n"}, CWD, POLICY)
    assert found(a).get(TAMPER) == H, found(a)
    b = analyse_action("write_file", {"path": ".venv/bin/other-tool", "content": "#!/bin/sh\nexit 0\n"}, CWD, POLICY)
    assert not any(f.severity.rank >= H.rank for f in b.findings), found(b)


@pytest.mark.parametrize(
    ("source", "rule"),
    [
        ("/home/dev/.claude/settings.json", AGENT_CONFIG),
        ("/home/dev/shop/.claude/settings.local.json", AGENT_CONFIG),
        ("/home/dev/shop/.venv/bin/oversight", TAMPER),
    ],
)
def test_mcp_move_of_agent_settings_or_oversights_program(source: str, rule: str) -> None:
    for tool, args in (
        ("mcp:filesystem/move_file", {"source": source, "destination": "/tmp/moved"}),
        ("mcp__filesystem__rename_file", {"src": source, "dst": "/tmp/moved"}),
    ):
        a = analyse_action(tool, args, CWD, POLICY)
        assert found(a).get(rule) == H, (tool, found(a))


def test_mcp_move_of_ordinary_files_stays_quiet() -> None:
    a = analyse_action(
        "mcp:filesystem/move_file", {"source": "settings.json.bak", "destination": "settings.json"}, CWD, POLICY
    )
    assert not any(f.severity.rank >= M.rank for f in a.findings), found(a)


# --- the siblings behind global options: `kubectl -n prod delete ns`, `terraform -chdir=infra destroy` --------------


@pytest.mark.parametrize(
    ("command", "rule", "severity"),
    [
        ("kubectl -n prod delete ns shop", K8S_DELETE, H),
        ("kubectl --context prod delete pvc --all", K8S_DELETE, H),
        ("kubectl --namespace=shop delete deploy/web", K8S_DELETE, M),
        ("terraform -chdir=infra destroy", "tool_use.destructive_infra.terraform_destroy", H),
        ("terraform -chdir=infra apply -auto-approve", "tool_use.destructive_infra.terraform_apply", M),
        ("terraform apply -destroy -auto-approve", "tool_use.destructive_infra.terraform_destroy", H),
    ],
)
def test_siblings_after_global_options(command: str, rule: str, severity: Severity) -> None:
    _raised(command, rule, severity)


@pytest.mark.parametrize(
    "command",
    [
        "kubectl -n prod get pods",
        "kubectl --context prod logs deploy/shop",
        "terraform -chdir=infra plan",
        "terraform -chdir=infra apply",
        "helm uninstall shop --dry-run",
    ],
)
def test_siblings_after_global_options_look_alikes(command: str) -> None:
    _quiet(command)
