"""Known misses of the action analyser left after 2026-12-05 (docs/actions.md, "Honest limits"), each judged as the
direct spelling of the same act is. Each dangerous form was approved before; each look-alike stays approved.

1. A name bound by a ``for`` loop (an element of the queryset or collection iterated: ``for o in
   Order.objects.all(): o.delete()``), a function parameter's default (``def drop(c=SqlInstancesServiceClient()):``),
   a walrus (``(qs := Order.objects.all()).delete()``), a tuple unpacking (``c, p = SqlInstancesServiceClient(),
   'shop'``) or a binding inside an ``if``/``try`` branch (any branch's value may be the one in force) is followed to
   the dangerous call that uses it; a name bound again to something else (also by a loop, a parameter, a walrus or a
   tuple) is no longer the client.
2. Django related managers: ``user.orders.all().delete()`` is ``delete_all`` (high), filtered ``delete_rows``
   (medium), as ``Order.objects.all().delete()`` and its filtered form are.
3. Cloud Functions (``gcloud functions delete``, ``FunctionServiceClient().delete_function``), App Runner (``aws
   apprunner delete-service``, boto3 and the JavaScript SDK) and Azure Container Apps (``az containerapp delete``,
   azure-mgmt-appcontainers' ``container_apps.begin_delete``) are ``cloud_delete`` (high).
4. REST deletes of other clouds' resources, as the Cloud SQL Admin API's already are: Azure Resource Manager
   (``management.azure.com``, also ``az rest --method delete``), Google APIs (Compute Engine, GKE, Cloud Run, Cloud
   Functions, Cloud Storage buckets, projects), DigitalOcean, Hetzner Cloud and Linode: ``cloud_delete`` (high);
   reads, one object or record, and other hosts are not.

The commands are only ever analysed here."""

from __future__ import annotations

import pytest

from service.policy.actions import analyse_action
from tests.unit._gap_helpers import CLOUD_DELETE, DELETE_ALL, DELETE_ROWS, H, M, approved_without, py
from tests.unit._shell_helpers import CWD, POLICY, approved, blocked_as, found, shell

SQL = "from google.cloud.sql_v1 import SqlInstancesServiceClient\nimport redis\n"
DJ = "from shop.models import Order, User\n"
DROP = "c.delete(project='shop', instance='prod-db')"

# ---------------------------------------------------------------- 1. names bound by loops, parameters, walrus, tuples, branches

BOUND_CLOUD = [
    # a parameter's default
    SQL + f"def drop(c=SqlInstancesServiceClient()):\n    {DROP}\ndrop()",
    SQL + f"def drop(project, c: SqlInstancesServiceClient = SqlInstancesServiceClient(), n=1):\n    {DROP}\n",
    # a walrus
    SQL + f"if (c := SqlInstancesServiceClient()):\n    {DROP}",
    SQL + "(c := SqlInstancesServiceClient()).delete(project='shop', instance='prod-db')",
    # a tuple unpacking
    SQL + f"c, p = SqlInstancesServiceClient(), 'shop'\n{DROP}",
    SQL + f"(p, c) = ('shop', SqlInstancesServiceClient())\n{DROP}",
    # a branch: any branch's value may be the one in force
    SQL + f"if cleanup:\n    c = SqlInstancesServiceClient()\nelse:\n    c = redis.Redis()\n{DROP}",
    SQL + f"try:\n    c = SqlInstancesServiceClient()\nexcept ImportError:\n    c = None\n{DROP}",
    SQL + f"c = None\nif cleanup: c = SqlInstancesServiceClient()\n{DROP}",
    # a loop that may not run leaves the client; a parameter is its function's only
    SQL + f"c = SqlInstancesServiceClient()\nfor c in redis_clients:\n    pass\n{DROP}",
    SQL + f"c = SqlInstancesServiceClient()\ndef evict(c):\n    c.delete('session:42')\n{DROP}",
    # a loop over every bucket, each deleted
    "import boto3\ns3 = boto3.resource('s3')\nfor b in s3.buckets.all():\n    b.delete()",
]


@pytest.mark.parametrize("code", BOUND_CLOUD)
def test_client_bound_by_a_parameter_walrus_tuple_or_branch_is_cloud_delete(code: str) -> None:
    blocked_as(py(SQL + f"c = SqlInstancesServiceClient()\n{DROP}"), CLOUD_DELETE, H)
    blocked_as(py(code), CLOUD_DELETE, H)


BOUND_DJANGO = [
    "for o in Order.objects.all():\n    o.delete()",
    "for o in Order.objects.all(): o.delete()",
    "(qs := Order.objects.all()).delete()",
    "if (qs := Order.objects.all()).exists():\n    qs.delete()",
    "qs, n = Order.objects.all(), 0\nqs.delete()",
    "def purge(qs=Order.objects.all()):\n    qs.delete()\npurge()",
    "if everything:\n    qs = Order.objects.all()\nelse:\n    qs = Order.objects.filter(status='stale')\nqs.delete()",
]


@pytest.mark.parametrize("code", BOUND_DJANGO)
def test_queryset_bound_by_a_loop_walrus_tuple_parameter_or_branch_is_delete_all(code: str) -> None:
    blocked_as(py(DJ + "Order.objects.all().delete()"), DELETE_ALL, H)
    blocked_as(py(DJ + code), DELETE_ALL, H)


@pytest.mark.parametrize(
    "code",
    [
        "for o in Order.objects.filter(status='stale'):\n    o.delete()",
        "(qs := Order.objects.filter(status='stale')).delete()",
        "qs, n = Order.objects.filter(status='stale'), 0\nqs.delete()",
    ],
)
def test_filtered_queryset_bound_so_is_delete_rows(code: str) -> None:
    a = shell(py(DJ + code))
    assert found(a).get(DELETE_ROWS) == M, found(a)
    assert DELETE_ALL not in found(a) and approved(a), found(a)


@pytest.mark.parametrize(
    "lookalike",
    [
        # bound again to something harmless: by a loop, a parameter, a walrus, a tuple, both branches' last statement
        SQL + "c = SqlInstancesServiceClient()\nfor c in redis_clients:\n    c.delete('session:42')",
        SQL + "c = SqlInstancesServiceClient()\ndef f(c):\n    c.delete('session:42')",
        SQL + "c = SqlInstancesServiceClient()\ndef f(c=redis.Redis()):\n    c.delete('session:42')",
        SQL + "c = SqlInstancesServiceClient()\nif (c := redis.Redis()):\n    c.delete('session:42')",
        SQL + "c = SqlInstancesServiceClient()\nc, n = redis.Redis(), 1\nc.delete('session:42')",
        SQL + "c = SqlInstancesServiceClient()\nn, c = 1, redis.Redis()\nc.delete('session:42')",
        SQL + "try:\n    c = SqlInstancesServiceClient()\n    print(c.get(project='shop', instance='prod-db'))\n"
        "except Exception:\n    pass",
        SQL + "if x:\n    c = redis.Redis()\nelse:\n    c = redis.Redis(db=1)\nc.delete('session:42')",
        # the loop only reads; one object got and deleted
        DJ + "for o in Order.objects.all():\n    print(o.id)",
        DJ + "if (o := Order.objects.get(pk=1)):\n    o.delete()",
        DJ + "o, n = Order.objects.get(pk=1), 0\no.delete()",
        "import os, tempfile\nfor p in [tempfile.mktemp()]:\n    os.remove(p)",
    ],
)
def test_names_bound_again_or_harmless_stay_approved(lookalike: str) -> None:
    blocked_as(py(BOUND_CLOUD[0]), CLOUD_DELETE, H)
    approved_without(py(lookalike), CLOUD_DELETE, DELETE_ALL, DELETE_ROWS)


# ---------------------------------------------------------------- 2. Django related managers

SHELL_C = 'python3 manage.py shell -c "from shop.models import User; u = User.objects.get(pk=7); {}"'


@pytest.mark.parametrize(
    "code",
    [
        "u.orders.all().delete()",
        "u.order_set.all().delete()",
        "u.profile.addresses.all().delete()",
        "qs = u.orders.all(); qs.delete()",
        "u.orders.using('default').all().delete()",
    ],
)
def test_related_manager_deleting_all_is_delete_all(code: str) -> None:
    assert found(shell(SHELL_C.format("Order.objects.all().delete()")))[DELETE_ALL] == H
    blocked_as(SHELL_C.format(code), DELETE_ALL, H)


@pytest.mark.parametrize(
    "code",
    [
        "u.orders.filter(status='stale').delete()",
        "u.order_set.exclude(status='paid').delete()",
        "qs = u.orders.all(); qs.filter(created__lt=cutoff).delete()",
    ],
)
def test_related_manager_filtered_delete_is_delete_rows(code: str) -> None:
    a = shell(SHELL_C.format(code))
    assert found(a).get(DELETE_ROWS) == M, found(a)
    assert DELETE_ALL not in found(a) and approved(a), found(a)


@pytest.mark.parametrize(
    "code",
    [
        "print(u.orders.count())",
        "u.orders.get(pk=3).delete()",  # one object
        "print(list(u.orders.all()))",
        "u.orders.all().first().delete()",
        "print(u.orders.filter(status='stale').exists())",
    ],
)
def test_related_manager_lookalikes_stay_approved(code: str) -> None:
    blocked_as(SHELL_C.format("u.orders.all().delete()"), DELETE_ALL, H)
    approved_without(SHELL_C.format(code), DELETE_ALL, DELETE_ROWS)


def test_related_manager_updating_every_row_is_update_all() -> None:
    blocked_as(SHELL_C.format("u.orders.all().update(status='cancelled')"), "tool_use.database_destruction.update_all", H)
    approved_without(SHELL_C.format("u.orders.filter(pk=3).update(status='paid')"), "tool_use.database_destruction.update_all")


def test_boto3_bucket_objects_stay_the_cloud_rule_not_django() -> None:
    a = shell("python3 -c \"import boto3; b = boto3.resource('s3').Bucket('logs'); b.objects.all().delete()\"")
    assert found(a).get(CLOUD_DELETE) == H and DELETE_ALL not in found(a), found(a)


# ---------------------------------------------------------------- 3. Cloud Functions, App Runner, Container Apps

SERVICE_DELETES = [
    "gcloud functions delete resize --region europe-west1 --quiet",
    "gcloud functions delete resize --gen2 --region europe-west1",
    "gcloud beta functions delete resize",
    'python3 -c "from google.cloud import functions_v2; '
    "functions_v2.FunctionServiceClient().delete_function(name='projects/shop/locations/eu/functions/resize')\"",
    'python3 -c "from google.cloud import functions_v1; c = functions_v1.CloudFunctionsServiceClient(); '
    'c.delete_function(name=n)"',
    "aws apprunner delete-service --service-arn arn:aws:apprunner:eu-west-1:1:service/web/abc",
    "python3 -c \"import boto3; boto3.client('apprunner').delete_service(ServiceArn=arn)\"",
    "node -e \"const {AppRunnerClient, DeleteServiceCommand} = require('@aws-sdk/client-apprunner'); "
    'new AppRunnerClient({}).send(new DeleteServiceCommand({ServiceArn: arn}))"',
    "az containerapp delete --name web --resource-group prod --yes",
    "az containerapp env delete --name prod-env --resource-group prod --yes",
    "az containerapp job delete --name nightly --resource-group prod",
    'python3 -c "from azure.mgmt.appcontainers import ContainerAppsAPIClient; '
    "ContainerAppsAPIClient(cred, sub).container_apps.begin_delete('prod', 'web')\"",
]


@pytest.mark.parametrize("cmd", SERVICE_DELETES)
def test_more_service_deletes_are_cloud_delete(cmd: str) -> None:
    assert found(shell("gcloud run services delete web --region europe-west1"))[CLOUD_DELETE] == H
    blocked_as(cmd, CLOUD_DELETE, H)


@pytest.mark.parametrize(
    ("dangerous", "lookalike"),
    [
        ("gcloud functions delete resize --region eu", "gcloud functions describe resize --region eu"),
        ("gcloud functions delete resize --region eu", "gcloud functions list --project shop"),
        ("gcloud functions delete resize --region eu", "gcloud functions logs read resize --region eu"),
        (
            'python3 -c "from google.cloud import functions_v2; functions_v2.FunctionServiceClient().delete_function(name=n)"',
            'python3 -c "from google.cloud import functions_v2; print(functions_v2.FunctionServiceClient().get_function(name=n))"',
        ),
        ("aws apprunner delete-service --service-arn arn", "aws apprunner list-services"),
        ("aws apprunner delete-service --service-arn arn", "aws apprunner pause-service --service-arn arn"),
        ("aws apprunner delete-service --service-arn arn", "aws apprunner describe-service --service-arn arn"),
        (
            "python3 -c \"import boto3; boto3.client('apprunner').delete_service(ServiceArn=arn)\"",
            "python3 -c \"import boto3; print(boto3.client('apprunner').list_services())\"",
        ),
        ("az containerapp delete --name web -g prod --yes", "az containerapp show --name web -g prod"),
        ("az containerapp delete --name web -g prod --yes", "az containerapp list -g prod"),
        (
            "az containerapp delete --name web -g prod --yes",
            "az containerapp env certificate delete --name prod-env -g prod --certificate old-cert",
        ),
        ("az containerapp delete --name web -g prod --yes", "rm -f /tmp/containerapp.yaml"),
    ],
)
def test_more_service_lookalikes_stay_approved(dangerous: str, lookalike: str) -> None:
    blocked_as(dangerous, CLOUD_DELETE, H)
    approved_without(lookalike, CLOUD_DELETE)


# ---------------------------------------------------------------- 4. other clouds' REST deletes

ARM = "https://management.azure.com/subscriptions/0000-1111/resourceGroups/prod"
GCE = "https://compute.googleapis.com/compute/v1/projects/shop/zones/europe-west1-b/instances/web-1"
REST_DELETES = [
    f'curl -X DELETE "{ARM}?api-version=2021-04-01" -H "Authorization: Bearer $(cat /tmp/az)"',
    f"curl -X DELETE '{ARM}/providers/Microsoft.Web/sites/shop-fn?api-version=2022-03-01'",
    f"az rest --method delete --url '{ARM}/providers/Microsoft.App/containerApps/web?api-version=2023-05-01'",
    f"az rest -m DELETE -u {ARM}?api-version=2021-04-01",
    f'curl -s -X DELETE -H "Authorization: Bearer $(cat /tmp/gtoken)" {GCE}',
    "curl -X DELETE https://container.googleapis.com/v1/projects/shop/locations/europe-west1/clusters/prod",
    "curl -X DELETE https://cloudresourcemanager.googleapis.com/v3/projects/shop",
    "curl -X DELETE https://storage.googleapis.com/storage/v1/b/shop-backups",
    "curl -X DELETE https://cloudfunctions.googleapis.com/v2/projects/shop/locations/eu/functions/resize",
    "curl -X DELETE https://run.googleapis.com/v2/projects/shop/locations/eu/services/web",
    'curl -X DELETE -H "Authorization: Bearer $DO_TOKEN" https://api.digitalocean.com/v2/droplets/3164494',
    'curl -X DELETE "https://api.digitalocean.com/v2/droplets?tag_name=prod"',
    "curl -X DELETE https://api.digitalocean.com/v2/kubernetes/clusters/bd5f5959-5e1e-4205-a714-a914373942af",
    'curl -X DELETE -H "Authorization: Bearer $HCLOUD_TOKEN" https://api.hetzner.cloud/v1/servers/42',
    "curl -X DELETE https://api.hetzner.cloud/v1/volumes/7",
    "curl -X DELETE https://api.linode.com/v4/linode/instances/123",
    "http DELETE https://api.linode.com/v4/lke/clusters/9 Authorization:'Bearer x'",
    "wget -q -O- --method=DELETE https://api.linode.com/v4/databases/postgresql/instances/5",
    "python3 -c \"import requests; requests.delete('https://api.digitalocean.com/v2/databases/9cc10173', headers=h)\"",
    f"python3 -c \"import requests; requests.request('DELETE', '{GCE}', headers=h)\"",
]


@pytest.mark.parametrize("cmd", REST_DELETES)
def test_other_clouds_rest_deletes_are_cloud_delete(cmd: str) -> None:
    blocked_as("curl -X DELETE https://sqladmin.googleapis.com/v1/projects/shop/instances/prod-db", CLOUD_DELETE, H)
    blocked_as(cmd, CLOUD_DELETE, H)


@pytest.mark.parametrize(
    "lookalike",
    [
        f'curl -s -H "Authorization: Bearer $(cat /tmp/az)" "{ARM}?api-version=2021-04-01"',
        f"az rest --method get --url '{ARM}?api-version=2021-04-01'",
        f"az rest --url '{ARM}/providers/Microsoft.App/containerApps/web?api-version=2023-05-01'",
        f"curl -X DELETE '{ARM}/providers/Microsoft.Web/sites/shop-fn/providers/Microsoft.Resources/tags/default'",
        f"curl -s {GCE}",
        f"curl -X POST {GCE}/stop",
        "curl -X DELETE https://storage.googleapis.com/storage/v1/b/shop-backups/o/tmp%2Fexport.json",
        "curl -s https://api.digitalocean.com/v2/droplets",
        "curl -X DELETE https://api.digitalocean.com/v2/domains/shop.example/records/3352896",
        "curl -X DELETE https://api.hetzner.cloud/v1/ssh_keys/7",
        "curl -X DELETE https://api.linode.com/v4/profile/tokens/5",
        "curl -X DELETE http://localhost:8080/v2/droplets/1",
        "python3 -c \"import requests; print(requests.get('https://api.digitalocean.com/v2/droplets', headers=h).json())\"",
        "rm -f /tmp/droplets.json",
    ],
)
def test_other_clouds_rest_lookalikes_stay_approved(lookalike: str) -> None:
    blocked_as(REST_DELETES[0], CLOUD_DELETE, H)
    approved_without(lookalike, CLOUD_DELETE)


def test_http_request_tool_deleting_other_clouds_resources_is_cloud_delete() -> None:
    for url in (f"{ARM}?api-version=2021-04-01", GCE, "https://api.hetzner.cloud/v1/servers/42"):
        a = analyse_action("http_request", {"method": "DELETE", "url": url}, CWD, POLICY)
        assert found(a).get(CLOUD_DELETE) == H and not approved(a), (url, found(a))
    for method, url in (("GET", GCE), ("DELETE", "https://api.hetzner.cloud/v1/ssh_keys/7"), ("POST", f"{GCE}/stop")):
        a = analyse_action("http_request", {"method": method, "url": url}, CWD, POLICY)
        assert CLOUD_DELETE not in found(a), (method, url, found(a))
