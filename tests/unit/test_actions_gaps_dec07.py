"""Known misses of the action analyser left after 2026-12-06 (docs/actions.md, "Honest limits"), each judged as the
direct spelling of the same act is. Each dangerous form was approved before; each look-alike stays approved.

1. A name bound by a comprehension (``[o.delete() for o in Order.objects.all()]``, a generator, a set or dict
   comprehension), an attribute (``self.path = '/'`` … ``shutil.rmtree(self.path)``, ``self.c =
   SqlInstancesServiceClient()`` … ``self.c.delete(…)``) or a ``lambda``'s parameter default (``lambda
   c=SqlInstancesServiceClient(): c.delete(…)``) is followed to the destructive call that uses it: an SDK client, a
   Django queryset, or the path a delete call removes; a comprehension's element of a list of literals is each of
   them (at most 4 readings), and a comprehension's or lambda's name holds inside it only.
2. The CLIs of DigitalOcean (``doctl``), Hetzner Cloud (``hcloud``) and Linode (``linode-cli``, ``linode``, ``lin``)
   deleting a whole resource are ``cloud_delete`` (high), as their REST deletes already are; an SSH key, a token, a
   DNS record, a database user, a read or a power-off is not.
3. REST deletes of Vultr (``api.vultr.com/v2``) and OVHcloud (``[eu.|ca.]api.ovh.com/1.0/cloud/project/…``, also the
   ``ovh`` Python client's ``client.delete('/cloud/project/…')``) resources are ``cloud_delete`` (high), as
   DigitalOcean's, Hetzner's and Linode's are.

The commands are only ever analysed here."""

from __future__ import annotations

import pytest

from service.policy.actions import analyse_action
from tests.unit._gap_helpers import CLOUD_DELETE, DELETE_ALL, DELETE_ROWS, ROOT_OR_HOME, C, H, M, approved_without, py
from tests.unit._shell_helpers import CWD, POLICY, approved, blocked_as, found, shell

SQL = "from google.cloud.sql_v1 import SqlInstancesServiceClient\nimport redis\n"
DJ = "from shop.models import Order, User\n"
DROP = "delete(project='shop', instance='prod-db')"

# ---------------------------------------------------------------- 1. comprehensions, attributes, lambda defaults

BOUND_CLOUD = [
    # a comprehension's name, over a list holding the client or over the collection itself
    SQL + f"[c.{DROP} for c in [SqlInstancesServiceClient()]]",
    SQL + f"list(c.{DROP} for c in (SqlInstancesServiceClient(),))",
    "import boto3\ns3 = boto3.resource('s3')\n[b.delete() for b in s3.buckets.all()]",
    "import boto3\ns3 = boto3.resource('s3')\ndone = {b.name: b.delete() for b in s3.buckets.all()}",
    "import boto3\ns3 = boto3.resource('s3')\nany(b.delete() for b in s3.buckets.all() if b.name)",
    # an attribute, set in __init__ and used in another method, or on one object
    SQL + "class Job:\n    def __init__(self):\n        self.c = SqlInstancesServiceClient()\n"
    f"    def run(self):\n        self.c.{DROP}\nJob().run()",
    SQL + f"job.client = SqlInstancesServiceClient()\njob.client.{DROP}",
    SQL + f"self.sql: SqlInstancesServiceClient = SqlInstancesServiceClient()\nself.sql.{DROP}",
    # a lambda's parameter default
    SQL + f"drop = lambda c=SqlInstancesServiceClient(): c.{DROP}\ndrop()",
    SQL + f"drop = lambda project, c=SqlInstancesServiceClient(): c.{DROP}\ndrop('shop')",
]


@pytest.mark.parametrize("code", BOUND_CLOUD)
def test_client_bound_by_a_comprehension_attribute_or_lambda_is_cloud_delete(code: str) -> None:
    blocked_as(py(SQL + f"c = SqlInstancesServiceClient()\nc.{DROP}"), CLOUD_DELETE, H)
    blocked_as(py(code), CLOUD_DELETE, H)


BOUND_DJANGO = [
    "[o.delete() for o in Order.objects.all()]",
    "list(o.delete() for o in Order.objects.all())",
    "{o.pk: o.delete() for o in Order.objects.all()}",
    "n = sum(1 for o in Order.objects.all() if o.delete())",
    "[\n    o.delete()\n    for o in Order.objects.all()\n]",
    "class Purge:\n    def __init__(self):\n        self.qs = Order.objects.all()\n    def run(self):\n        self.qs.delete()",
    "purge = lambda qs=Order.objects.all(): qs.delete()\npurge()",
]


@pytest.mark.parametrize("code", BOUND_DJANGO)
def test_queryset_bound_by_a_comprehension_attribute_or_lambda_is_delete_all(code: str) -> None:
    blocked_as(py(DJ + "Order.objects.all().delete()"), DELETE_ALL, H)
    blocked_as(py(DJ + code), DELETE_ALL, H)


@pytest.mark.parametrize(
    "code",
    [
        "[o.delete() for o in Order.objects.filter(status='stale')]",
        "self.qs = Order.objects.filter(status='stale')\nself.qs.delete()",
        "purge = lambda qs=Order.objects.exclude(status='paid'): qs.delete()",
    ],
)
def test_filtered_queryset_bound_so_is_delete_rows(code: str) -> None:
    a = shell(py(DJ + code))
    assert found(a).get(DELETE_ROWS) == M, found(a)
    assert DELETE_ALL not in found(a) and approved(a), found(a)


BOUND_PATHS = [
    # an attribute: the brief's own example, and a config object's field
    "import shutil\nclass Cleaner:\n    def __init__(self):\n        self.path = '/'\n"
    "    def run(self):\n        shutil.rmtree(self.path)\nCleaner().run()",
    "import shutil\ncfg.target = '/home/dev'\nshutil.rmtree(cfg.target)",
    "import os, shutil\nself.root = os.path.expanduser('~')\nshutil.rmtree(self.root, ignore_errors=True)",
    # a comprehension over literal paths: each is deleted
    "import shutil\n[shutil.rmtree(p) for p in ['/home/dev']]",
    "import shutil\n[shutil.rmtree(p, ignore_errors=True) for p in ('/tmp/build', '/')]",
    "import os, shutil\nlist(map(print, (shutil.rmtree(d) for d in ['dist', os.path.expanduser('~')])))",
    # a lambda's parameter default holding a name bound to the path
    "import shutil\nHOME = '/home/dev'\nwipe = lambda p=HOME: shutil.rmtree(p)\nwipe()",
]


@pytest.mark.parametrize("code", BOUND_PATHS)
def test_path_bound_by_an_attribute_comprehension_or_lambda_is_judged_as_the_literal(code: str) -> None:
    blocked_as(py("import shutil\nshutil.rmtree('/')"), ROOT_OR_HOME, C)
    blocked_as(py(code), ROOT_OR_HOME, C)


def test_node_attribute_holding_the_home_folder_is_judged_as_it() -> None:
    cmd = "node -e \"const fs = require('fs'), os = require('os'); this.dir = os.homedir(); fs.rmSync(this.dir, {recursive: true})\""
    blocked_as(cmd, ROOT_OR_HOME, C)


@pytest.mark.parametrize(
    "lookalike",
    [
        # the comprehension's name holds inside it only; a lambda's parameter shadows the name outside
        SQL + "c = redis.Redis()\nnames = [str(c) for c in [SqlInstancesServiceClient()]]\nc.delete('session:42')",
        SQL + "c = SqlInstancesServiceClient()\nevict = lambda c: c.delete('session:42')",
        SQL + "c = SqlInstancesServiceClient()\nevict = lambda c=redis.Redis(): c.delete('session:42')",
        SQL + "c = SqlInstancesServiceClient()\nkeys = [c.delete(k) for c in [redis.Redis()] for k in ('a', 'b')]",
        # reads, one object, another attribute
        SQL + "[print(c.get(project='shop', instance='prod-db')) for c in [SqlInstancesServiceClient()]]",
        SQL + "self.c = SqlInstancesServiceClient()\nself.cache = redis.Redis()\nself.cache.delete('session:42')",
        SQL + "self.c = SqlInstancesServiceClient()\nself.c = redis.Redis()\nself.c.delete('session:42')",
        DJ + "print([o.id for o in Order.objects.all()])",
        DJ + "self.o = Order.objects.get(pk=1)\nself.o.delete()",
        DJ + "drop = lambda o=Order.objects.get(pk=1): o.delete()",
        "import boto3\ns3 = boto3.resource('s3')\nprint([b.name for b in s3.buckets.all()])",
        # paths in the workspace or a temporary folder, an attribute bound again, another attribute
        "import shutil\n[shutil.rmtree(p, ignore_errors=True) for p in ['build', 'dist', '.pytest_cache']]",
        "import shutil, tempfile\nself.path = '/'\nself.path = tempfile.mkdtemp()\nshutil.rmtree(self.path)",
        "import shutil\nself.root = '/'\nself.build = 'build'\nshutil.rmtree(self.build)",
        "import os, glob\n[os.remove(p) for p in glob.glob('*.pyc')]",
        "import shutil\nwipe = lambda p='build': shutil.rmtree(p)\nwipe()",
    ],
)
def test_names_bound_again_or_harmless_stay_approved(lookalike: str) -> None:
    blocked_as(py(BOUND_CLOUD[0]), CLOUD_DELETE, H)
    approved_without(py(lookalike), CLOUD_DELETE, DELETE_ALL, DELETE_ROWS, ROOT_OR_HOME)


# ---------------------------------------------------------------- 2. DigitalOcean, Hetzner and Linode CLIs

CLI_DELETES = [
    "doctl compute droplet delete web-1 --force",
    "doctl compute droplet delete --tag-name prod -f",
    "doctl compute droplet rm 3164494",
    'doctl -t "$DO_TOKEN" --context prod compute droplet delete web-1 web-2 --force',
    "doctl compute volume delete 0ad2f2a1-b2cf-4d8e-a1c5-3d39e3c63a1b --force",
    "doctl compute load-balancer delete 4de7ac8b-495b-4884-9a69-1050c6793cd6 --force",
    "doctl compute snapshot delete 6372321 --force",
    "doctl compute image delete 7938391 --force",
    "doctl databases delete 9cc10173-e9ea-4176-9dbc-a4cee4c4ff30 --force",
    "doctl databases db delete 9cc10173-e9ea-4176-9dbc-a4cee4c4ff30 shop --force",
    "doctl kubernetes cluster delete prod --dangerous --force",
    "doctl k8s cluster node-pool delete prod pool-1 -f",
    "doctl apps delete 4f6c71e2-1e90-4762-9fee-6cc4a0a9f2cf --force",
    "doctl registry delete --force",
    "hcloud server delete web-1",
    "hcloud --context prod server delete web-1 web-2",
    "hcloud volume delete data-1",
    "hcloud load-balancer delete lb-1",
    "hcloud network delete private",
    "hcloud primary-ip delete 42",
    "hcloud floating-ip delete 43",
    "hcloud image delete 12345",
    "hcloud placement-group delete spread",
    "linode-cli linodes delete 123",
    "linode-cli --as-user ops linodes delete 123",
    "linode-cli volumes delete 77",
    "linode-cli lke cluster-delete 9",
    "linode-cli lke pool-delete 9 33",
    "linode-cli nodebalancers delete 5",
    "linode-cli databases postgresql-delete 5",
    "linode-cli databases mysql-delete 6",
    "linode-cli images delete private/123",
    "linode-cli obj rb shop-backups",
    "linode linodes delete 123",
    "lin linodes delete 123",
]


@pytest.mark.parametrize("cmd", CLI_DELETES)
def test_digitalocean_hetzner_and_linode_cli_deletes_are_cloud_delete(cmd: str) -> None:
    blocked_as("curl -X DELETE https://api.hetzner.cloud/v1/servers/42", CLOUD_DELETE, H)
    blocked_as(cmd, CLOUD_DELETE, H)


@pytest.mark.parametrize(
    "lookalike",
    [
        "doctl compute droplet list",
        "doctl compute droplet get web-1",
        "doctl compute droplet delete --help",
        "doctl compute ssh-key delete 512189 --force",
        "doctl compute domain records delete shop.example 3352896 --force",
        "doctl databases user delete 9cc10173-e9ea-4176-9dbc-a4cee4c4ff30 app --force",
        "doctl databases pool delete 9cc10173-e9ea-4176-9dbc-a4cee4c4ff30 pool-1 --force",
        "doctl kubernetes cluster kubeconfig save prod",
        "doctl compute droplet-action power-off 3164494",
        "doctl auth remove --context old",
        "hcloud server list",
        "hcloud server describe web-1",
        "hcloud server poweroff web-1",
        "hcloud ssh-key delete old-laptop",
        "hcloud context delete old",
        "linode-cli linodes list",
        "linode-cli linodes view 123",
        "linode-cli linodes shutdown 123",
        "linode-cli sshkeys delete 5",
        "linode-cli profile token-delete 5",
        "linode-cli domains records-delete 1 2",
        "echo 'doctl compute droplet delete web-1'",
    ],
)
def test_cli_lookalikes_stay_approved(lookalike: str) -> None:
    blocked_as("doctl compute droplet delete web-1 --force", CLOUD_DELETE, H)
    approved_without(lookalike, CLOUD_DELETE)


# ---------------------------------------------------------------- 3. Vultr and OVHcloud REST deletes

VULTR = "https://api.vultr.com/v2"
OVH = "https://eu.api.ovh.com/1.0/cloud/project/5f3c2a1b"
REST_DELETES = [
    f'curl -X DELETE "{VULTR}/instances/cb676a46-66fd-4dfb-b839-443f2e6c0b60" -H "Authorization: Bearer $VULTR_API_KEY"',
    f"curl -X DELETE {VULTR}/bare-metals/cb676a46",
    f"curl -X DELETE {VULTR}/blocks/cb676a46",
    f"curl -X DELETE {VULTR}/kubernetes/clusters/cb676a46",
    f"curl -X DELETE {VULTR}/kubernetes/clusters/cb676a46/delete-with-linked-resources",
    f"curl -X DELETE {VULTR}/databases/cb676a46",
    f"curl -X DELETE {VULTR}/object-storage/cb676a46",
    f"http DELETE {VULTR}/load-balancers/cb676a46 Authorization:'Bearer x'",
    f"python3 -c \"import requests; requests.delete('{VULTR}/instances/cb676a46', headers=h)\"",
    f'curl -X DELETE "{OVH}/instance/0c5a7f25-d4ad-4a3c-8a1d-7b9e4a3b2c1d" -H "X-Ovh-Application: $AK"',
    "curl -X DELETE https://api.ovh.com/1.0/cloud/project/5f3c2a1b/volume/vol-1",
    f"curl -X DELETE {OVH}/kube/kube-1",
    f"curl -X DELETE {OVH}/database/postgresql/cluster-1",
    "curl -X DELETE https://ca.api.ovh.com/1.0/cloud/project/5f3c2a1b/region/GRA/storage/shop-backups",
    f"wget -q -O- --method=DELETE {OVH}/snapshot/snap-1",
    "python3 -c \"import ovh; client = ovh.Client(); client.delete('/cloud/project/5f3c2a1b/instance/i-1')\"",
]


@pytest.mark.parametrize("cmd", REST_DELETES)
def test_vultr_and_ovh_rest_deletes_are_cloud_delete(cmd: str) -> None:
    blocked_as("curl -X DELETE https://api.linode.com/v4/linode/instances/123", CLOUD_DELETE, H)
    blocked_as(cmd, CLOUD_DELETE, H)


@pytest.mark.parametrize(
    "lookalike",
    [
        f"curl -s -H 'Authorization: Bearer x' {VULTR}/instances",
        f"curl -s {VULTR}/instances/cb676a46",
        f"curl -X POST {VULTR}/instances/cb676a46/halt",
        f"curl -X DELETE {VULTR}/ssh-keys/cb676a46",
        f"curl -X DELETE {VULTR}/domains/shop.example/records/cb676a46",
        f"curl -X DELETE {VULTR}/instances/cb676a46/ipv4/192.0.2.7",
        f"curl -s {OVH}/instance",
        f"curl -X DELETE {OVH}/sshkey/k1",
        f"curl -X POST {OVH}/instance/i-1/reboot",
        "curl -X DELETE https://eu.api.ovh.com/1.0/domain/zone/shop.example/record/123",
        "curl -X DELETE https://eu.api.ovh.com/1.0/me/api/credential/5",
        "curl -X DELETE http://localhost:8080/v2/instances/1",
        "python3 -c \"import ovh; print(ovh.Client().get('/cloud/project/5f3c2a1b/instance'))\"",
        "python3 -c \"import ovh; ovh.Client().delete('/cloud/project/5f3c2a1b/sshkey/k1')\"",
    ],
)
def test_vultr_and_ovh_rest_lookalikes_stay_approved(lookalike: str) -> None:
    blocked_as(REST_DELETES[0], CLOUD_DELETE, H)
    approved_without(lookalike, CLOUD_DELETE)


def test_http_request_tool_deleting_vultr_and_ovh_resources_is_cloud_delete() -> None:
    for url in (f"{VULTR}/instances/cb676a46", f"{OVH}/instance/i-1"):
        a = analyse_action("http_request", {"method": "DELETE", "url": url}, CWD, POLICY)
        assert found(a).get(CLOUD_DELETE) == H and not approved(a), (url, found(a))
    for method, url in (("GET", f"{VULTR}/instances/cb676a46"), ("DELETE", f"{OVH}/sshkey/k1")):
        a = analyse_action("http_request", {"method": method, "url": url}, CWD, POLICY)
        assert CLOUD_DELETE not in found(a), (method, url, found(a))


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("mcp__do__doctl", ["compute", "droplet", "delete", "web-1", "--force"]),
        ("mcp__hetzner__hcloud", ["server", "delete", "web-1"]),
        ("mcp__linode__linode_cli", ["linodes", "delete", "123"]),
        ("mcp__linode__linode_cli", "lke cluster-delete 9"),
    ],
)
def test_mcp_tool_named_for_the_cli_deleting_is_cloud_delete(tool: str, args: list[str] | str) -> None:
    a = analyse_action(tool, {"args": args}, CWD, POLICY)
    assert found(a).get(CLOUD_DELETE) == H and not approved(a), found(a)
    b = analyse_action(tool, {"args": ["server", "list"] if "hcloud" in tool else "linodes list"}, CWD, POLICY)
    assert CLOUD_DELETE not in found(b) and approved(b), found(b)
