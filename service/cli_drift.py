"""``oversight drift``: what a running service's drift monitor sees, as a compact table for the on-call seat.

It asks ``GET /v1/drift`` of the service at ``--url`` (else ``$OVERSIGHT_URL``, else http://127.0.0.1:8000), with
``$OVERSIGHT_API_KEY`` as a bearer key when set (drift data needs an admin or reviewer key once keys exist), and
prints each series (window n, disagreement and refusal rates against their baselines, whether the last test ran
and why not), the open alerts (series, metric, current vs baseline rate, since when, in UTC) and the pins.
``--json`` prints the service's answer as it came. Before, ``/v1/drift`` (about 150 lines of JSON a series) or
Grafana were the only views (QA L5).

Only the standard library talks HTTP here, as in the hooks: the command starts fast and needs no app.
"""

from __future__ import annotations

import sys
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from typing import Annotated, Any

import orjson
import typer

DRIFT_PATH = "/v1/drift"


class DriftUnavailable(Exception):
    """The answer could not be had: the service is unreachable, refused, or answered something else."""


def fetch(base: str, params: dict[str, str], *, key: str | None, timeout: float) -> tuple[bytes, dict[str, Any]]:
    """``GET {base}/v1/drift?params``: the answer as sent and decoded, else ``DriftUnavailable`` saying why."""
    query = urllib.parse.urlencode(params)
    url = f"{base}{DRIFT_PATH}" + (f"?{query}" if query else "")
    headers = {"Accept": "application/json", "User-Agent": "oversight-cli"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout) as response:
            raw = response.read()
    except urllib.error.HTTPError as exc:
        raise DriftUnavailable(_http_error(exc, base)) from exc
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        cause = getattr(exc, "reason", exc)
        raise DriftUnavailable(
            f"the service at {base} is unreachable ({cause}): is `oversight serve` running there? Give its address "
            "with --url or OVERSIGHT_URL"
        ) from exc
    try:
        answer = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise DriftUnavailable(f"{url} answered something other than JSON: is it an Oversight service?") from exc
    if not isinstance(answer, dict) or not isinstance(answer.get("series"), list):
        raise DriftUnavailable(f"{url} answered JSON that is not a drift report: is it an Oversight service?")
    return raw, answer


def _http_error(exc: urllib.error.HTTPError, base: str) -> str:
    message = ""
    try:
        body = orjson.loads(exc.read() or b"{}")
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, dict):
            message = str(error.get("message") or error.get("code") or "")
        elif isinstance(body, dict) and body.get("detail"):
            message = str(body["detail"])
    except Exception:
        message = ""
    why = f"the service at {base} answered HTTP {exc.code}" + (f": {message}" if message else "")
    if exc.code in (401, 403):
        why += " (set OVERSIGHT_API_KEY to an admin or reviewer key)"
    return why


# -- the table ----------------------------------------------------------------------------------------------
def _iso(ts: Any) -> str:
    if not isinstance(ts, int | float):
        return "-"
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _pct(value: Any) -> str:
    return f"{value:.1%}" if isinstance(value, int | float) else "-"


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    return ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in [headers, *rows]]


def _rate(metric: dict[str, Any]) -> str:
    """``50.0% vs 10.0%``: the window's rate against its baseline's."""
    return f"{_pct(metric.get('rate'))} vs {_pct(metric.get('baseline_rate'))}"


def _tested(metrics: dict[str, Any]) -> str:
    """Whether the last test of disagreement and refusal ran, and why not: one word when they agree."""

    def one(m: dict[str, Any]) -> str:
        if m.get("tested"):
            p = m.get("p_adjusted")
            return f"yes (p={p:.2g})" if isinstance(p, int | float) else "yes"
        return f"no: {m.get('not_tested_reason') or 'not tested'}"

    dis, ref = one(metrics.get("disagreement") or {}), one(metrics.get("refusal") or {})
    if dis == ref:
        return dis
    return f"disagreement {dis}; refusal {ref}"


def render(answer: dict[str, Any], base: str) -> str:
    """The compact view of a ``/v1/drift`` answer."""
    out: list[str] = []
    config = answer.get("config") or {}
    window = config.get("window_s")
    head = f"Drift at {base}, {_iso(answer.get('now'))}"
    if isinstance(window, int | float):
        head += f" (window {window:g} s"
        head += f", last test {_iso(answer.get('evaluated_at'))})" if answer.get("evaluated_at") else ", no test yet)"
    out.append(head)
    if answer.get("note"):
        out.append(f"note: {answer['note']}")

    series = answer.get("series") or []
    out.append("")
    if series:
        rows = []
        for s in series:
            metrics = s.get("metrics") or {}
            rows.append(
                [
                    str(s.get("domain", "")),
                    str(s.get("fast_model", "")),
                    str((s.get("window") or {}).get("n", "")),
                    _rate(metrics.get("disagreement") or {}),
                    _rate(metrics.get("refusal") or {}),
                    str(s.get("baseline") or "-"),
                    _tested(metrics),
                ]
            )
        headers = ["DOMAIN", "FAST MODEL", "N", "DISAGREEMENT", "REFUSAL", "BASELINE", "TESTED"]
        out.extend(_table(headers, rows))
    else:
        out.append("no series: no decision has been counted in the window")

    alerts = answer.get("alerts") or []
    out.append("")
    if alerts:
        out.append(f"Open alerts ({len(alerts)}):")
        rows = []
        for a in alerts:
            baseline_n = a.get("baseline_n")
            baseline = f"{_pct(a.get('baseline_rate'))}" + (f" (n={baseline_n})" if baseline_n is not None else "")
            current = f"{_pct(a.get('current_rate'))} (n={a.get('n')})"
            state = f"{a.get('kind')}, {a.get('direction')}"
            if a.get("not_retested_reason"):
                state += f", not re-tested: {a['not_retested_reason']}"
            since = a.get("detected_at_iso") or _iso(a.get("detected_at"))
            rows.append(
                [
                    str(a.get("id", "")),
                    str(a.get("series", "")),
                    str(a.get("metric", "")),
                    current,
                    baseline,
                    str(a.get("baseline") or "-"),
                    since,
                    state,
                ]
            )
        headers = ["ALERT", "SERIES", "METRIC", "CURRENT", "BASELINE RATE", "AGAINST", "SINCE (UTC)", "KIND"]
        out.extend(_table(headers, rows))
    else:
        out.append("Open alerts: none")
    closed = answer.get("recently_closed") or []
    if closed:
        out.append(f"({len(closed)} recently closed: --json shows them)")

    pins = answer.get("pins") or {}
    out.append("")
    rows = [
        [domain, name, str(pin.get("fast_model", "")), str(pin.get("source", ""))]
        for domain, names in sorted(pins.items())
        for name, pin in sorted(names.items())
    ]
    if rows:
        out.append("Pins:")
        out.extend(_table(["DOMAIN", "NAME", "BASELINE VERSION", "SOURCE"], rows))
    else:
        out.append("Pins: none (each version is compared with its own previous window)")
    return "\n".join(out)


def drift(
    url: Annotated[
        str | None,
        typer.Option(
            "--url", metavar="URL", help="Oversight base URL (default $OVERSIGHT_URL, else http://127.0.0.1:8000)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the service's answer (GET /v1/drift) as is.")] = False,
    domain: Annotated[str | None, typer.Option(metavar="DOMAIN", help="Only this domain's series.")] = None,
    name: Annotated[
        str | None, typer.Option(metavar="NAME", help="Only the versions of this fast-model name (e.g. fast-chat).")
    ] = None,
    fast_model: Annotated[
        str | None, typer.Option("--fast-model", metavar="NAME@VERSION", help="Only this fast-model version.")
    ] = None,
    timeout: Annotated[float, typer.Option(min=0.1, metavar="SECONDS", help="Seconds to wait for the service.")] = 10.0,
) -> None:
    """Show a running service's drift monitor: series, open alerts and pins (GET /v1/drift).

    Sends $OVERSIGHT_API_KEY as the bearer key when it is set (an admin or reviewer key, once the service has
    keys). Exit 2 when the service cannot be reached or refuses.
    """
    from service.integrations import api_key, service_url

    base = service_url(url)
    params = {k: v for k, v in (("domain", domain), ("name", name), ("fast_model", fast_model)) if v is not None}
    try:
        raw, answer = fetch(base, params, key=api_key(), timeout=timeout)
    except DriftUnavailable as exc:
        typer.echo(f"oversight: {exc}", err=True)
        raise typer.Exit(2) from exc
    if as_json:
        sys.stdout.write(raw.decode() + "\n")
        return
    typer.echo(render(answer, base))


def register(app: typer.Typer) -> None:
    """Add this feature's command to the `oversight` command."""
    app.command("drift")(drift)
