"""Hosts as a client would reach them: one canonical spelling per address, and the cloud metadata check.

Every host the action analyser looks at (a URL's host, ``ssh``/``nc``/``scp``/git destinations, the hosts of
inline code and MCP arguments) goes through :func:`canonical_host` before it is compared with anything, so an
address is recognised however it is written:

- IPv4 in every spelling the C resolver accepts (glibc ``inet_aton``: one to four parts, each decimal, ``0x``
  hex or ``0`` octal, the last part filling the remaining bytes): ``2852039166``, ``0xa9fea9fe``,
  ``0251.0376.0251.0376``, ``169.254.43518``, ``0xa9.0xfe.0xa9.0xfe`` are all ``169.254.169.254``. The
  standard library does the arithmetic (:func:`socket.inet_aton`); the text is first checked to hold nothing
  but digits, hex letters, ``x`` and dots, because glibc's ``inet_aton`` ignores anything after a space
  (``"169.254.169.254 junk"`` parses);
- IPv6 in any spelling (:mod:`ipaddress`), without brackets or a zone (``%eth0``); an IPv6 address that carries
  an IPv4 one (``::ffff:169.254.169.254``, ``::ffff:a9fe:a9fe``, NAT64 ``64:ff9b::a9fe:a9fe``, the deprecated
  ``::169.254.169.254``) is that IPv4 address;
- names as a browser's URL parser reads them: lower case, percent-escapes decoded, full-width digits and dots
  mapped by IDNA (``１６９。２５４。１６９。２５４``), one trailing dot (the DNS root) dropped.

:func:`url_hosts` also reads a URL the way a browser does when that differs from :func:`urllib.parse.urlsplit`
(a backslash ends the authority in ``http://169.254.169.254\\@example.com/``), so a check can look at both.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import unquote, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_INET_ATON_CHARS = re.compile(r"[0-9a-fx.]+")  # ASCII only: ``re``'s \d would take other scripts' digits
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

METADATA_NAMES = frozenset({"metadata.google.internal", "instance-data", "instance-data.ec2.internal"})
"""Names of cloud metadata services: GCP's; AWS's ``instance-data`` (also ``instance-data.<region>.compute.internal``)."""
METADATA_NETWORKS = (
    ipaddress.ip_network("169.254.0.0/16"),  # IPv4 link-local: every cloud's IMDS (.169.254), ECS/EKS credentials
    ipaddress.ip_network("100.100.100.200/32"),  # Alibaba Cloud
    ipaddress.ip_network("fd00:ec2::254/128"),  # AWS IMDS over IPv6
    ipaddress.ip_network("fd00:ec2::23/128"),  # AWS EKS Pod Identity over IPv6
)
"""Addresses whose services hand out the instance's or the container's cloud credentials."""
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0"})
"""This machine: never an unlisted host (canonical spellings; ``*.localhost`` too)."""

_METADATA_TEXT = re.compile(r"(?i)\b(169\.254\.169\.254|metadata\.google\.internal|100\.100\.100\.200)\b")


def parse_ipv4(text: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address ``text`` names for the C resolver (``inet_aton``), or None. ``text`` is lower case."""
    if not _INET_ATON_CHARS.fullmatch(text):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(text))
    except OSError:
        return None


def parse_ip(text: str) -> IPAddress | None:
    """The address a host names, in any spelling a client accepts; an IPv4-carrying IPv6 address as the IPv4 one."""
    h = text.strip().lower()
    if h.startswith("[") and h.endswith("]"):
        h = h[1:-1]
    if ":" in h:
        try:
            v6 = ipaddress.IPv6Address(h.split("%", 1)[0])
        except ValueError:
            return None
        if v6.ipv4_mapped is not None:
            return v6.ipv4_mapped
        if v6 in _NAT64 or (int(v6) >> 32 == 0 and int(v6) > 0xFFFF):  # NAT64, IPv4-compatible ::a.b.c.d
            return ipaddress.IPv4Address(int(v6) & 0xFFFFFFFF)
        return v6
    h = h.removesuffix(".")
    return parse_ipv4(h)


@lru_cache(maxsize=4096)
def canonical_host(host: str | None) -> str | None:
    """One spelling per host: an address in its standard form (``169.254.169.254``, ``fd00:ec2::254``), a name
    lower-cased, percent-decoded, IDNA-mapped and without a trailing dot. None for nothing."""
    if host is None:
        return None
    h = host.strip().lower()
    if not h:
        return None
    if ":" in h or h.startswith("["):
        ip = parse_ip(h)
        return str(ip) if ip is not None else h
    if "%" in h:
        h = unquote(h).lower()
    if not h.isascii():
        try:
            h = h.encode("idna").decode("ascii")
        except UnicodeError:
            h = unicodedata.normalize("NFKC", h).translate({0x3002: ".", 0xFF0E: ".", 0xFF61: "."})
    h = h.removesuffix(".")
    ip = parse_ip(h)
    return str(ip) if ip is not None else h


def host_of(url: str) -> str | None:
    """The canonical host of a URL or of ``host[:port][/path]`` (read as ``http://…``), as ``urlsplit`` finds it."""
    u = url.strip()
    if "://" not in u:
        u = "http://" + u
    try:
        host = urlsplit(u).hostname
    except ValueError:
        return None
    return canonical_host(host)


def url_hosts(url: str) -> list[str]:
    """Every host a client may take ``url`` to name: :func:`host_of`'s, and a browser's where a backslash ends
    the authority (WHATWG reads ``\\`` as ``/`` in http, https, ws, wss and ftp URLs)."""
    out: list[str] = []
    for u in (url, url.replace("\\", "/")):
        h = host_of(u)
        if h and h not in out:
            out.append(h)
    return out


def is_cloud_metadata(host: str | None) -> bool:
    """``host`` (any spelling) is a cloud metadata service, where an instance's credentials can be read."""
    h = canonical_host(host)
    if not h:
        return False
    if h in METADATA_NAMES or (h.startswith("instance-data.") and h.endswith(".compute.internal")):
        return True
    ip = parse_ip(h)
    return ip is not None and any(ip in net for net in METADATA_NETWORKS)


def is_loopback(host: str | None) -> bool:
    """``host`` (any spelling) is this machine as the analyser has always allowed it (``localhost``, ``127.0.0.1``,
    ``::1``, ``0.0.0.0``, ``*.localhost``)."""
    h = canonical_host(host)
    return h is not None and (h in LOOPBACK_NAMES or h.endswith(".localhost"))


def mentions_metadata(text: str) -> bool:
    """``text`` names a metadata service in its usual spelling anywhere (a query string, a proxy option)."""
    return _METADATA_TEXT.search(text) is not None


def reaches_metadata(urls: Iterable[str]) -> bool:
    """Any of ``urls`` (or bare ``host[:port][/path]`` words) reaches a cloud metadata service, however spelt."""
    return any(
        is_cloud_metadata(u) or mentions_metadata(u) or any(is_cloud_metadata(h) for h in url_hosts(u)) for u in urls
    )
