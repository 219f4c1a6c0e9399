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

:func:`url_hosts` reads a URL both as :func:`urllib.parse.urlsplit` (curl, Python's ``urllib``) and as a WHATWG
parser (browsers, node, WebFetch, Playwright) does (:func:`whatwg_host`: a backslash ends the authority in
``http://169.254.169.254\\@example.com/``, tabs and newlines are dropped, ``https:x`` has a host), and
:func:`host_of` answers with the worse of the two readings, so every check that compares a URL's host with
``allowed_hosts`` or the metadata services judges what the less trusted client would reach.
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


SPECIAL_SCHEMES = frozenset({"http", "https", "ws", "wss", "ftp"})
"""The network schemes a WHATWG URL parser reads as "special": a backslash is a slash in them."""
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_C0_OR_SPACE = "".join(chr(c) for c in range(0x21))
_TAB_OR_NEWLINE = {ord("\t"): None, ord("\n"): None, ord("\r"): None}
_AUTHORITY_END = re.compile(r"[/\\?#]")
# What a WHATWG parser refuses in a domain once it is percent-decoded: such a URL does not load at all.
_FORBIDDEN_DOMAIN = re.compile(r"[\x00-\x20#%/:<>?@\[\\\]^|\x7f]")


def _as_url(url: str) -> tuple[str, str | None]:
    """``url`` with a leading/trailing control or space stripped, and its scheme (lower case), or, for a bare
    ``host[:port][/path]`` word, the word read as ``http://…``. A special scheme needs no ``//``
    (``https:evil.example`` is a URL to ``evil.example`` for a browser)."""
    u = url.strip(_C0_OR_SPACE)
    m = _SCHEME.match(u)
    if m is not None and m.group(1).lower() in SPECIAL_SCHEMES:
        return u, m.group(1).lower()
    if "://" not in u:
        return "http://" + u, "http"
    return u, m.group(1).lower() if m is not None else None


def _urlsplit_host(url: str) -> str | None:
    """The canonical host :func:`urllib.parse.urlsplit` finds (so do curl and Python's ``urllib``: the authority
    runs to the first ``/``, ``?`` or ``#``, and the host follows its last ``@``)."""
    u, _ = _as_url(url)
    try:
        host = urlsplit(u).hostname
    except ValueError:
        return None
    return canonical_host(host)


def whatwg_host(url: str) -> str | None:
    """The canonical host a WHATWG URL parser connects to (browsers, node's ``new URL``/``fetch``, Playwright,
    Claude Code's WebFetch), for a URL of a special scheme (http, https, ws, wss, ftp) or a bare host word; None
    for another scheme, or when such a parser refuses the URL.

    Read as the URL standard's basic parser reads it: tabs and newlines removed anywhere; leading and trailing
    controls and spaces stripped; any run of ``/`` and ``\\`` after the scheme skipped (``https:\\\\x``,
    ``https:x``); the authority ends at the first ``/``, ``\\``, ``?`` or ``#`` (so ``https://evil\\@github.com/``
    goes to ``evil``, where ``urlsplit`` reads ``github.com``); the host follows the authority's last ``@``, ends
    at its port's ``:`` (an IPv6 literal keeps its brackets), and is percent-decoded."""
    u, scheme = _as_url(url.translate(_TAB_OR_NEWLINE))
    if scheme not in SPECIAL_SCHEMES:
        return None
    rest = u[len(scheme) + 1 :].lstrip("/\\")
    end = _AUTHORITY_END.search(rest)
    authority = rest[: end.start()] if end is not None else rest
    hostport = authority.rpartition("@")[2]
    if hostport.startswith("["):
        close = hostport.find("]")
        host = hostport[: close + 1] if close != -1 else hostport
    else:
        host = hostport.partition(":")[0]
    if not host:
        return None
    if not host.startswith("[") and _FORBIDDEN_DOMAIN.search(unquote(host).strip(".")):
        return None  # refused by the parser: ``https://evil.example%2f.github.com/`` loads nothing
    return canonical_host(host)


@lru_cache(maxsize=4096)
def url_hosts(url: str) -> tuple[str, ...]:
    """Every host a client may take ``url`` (or a bare ``host[:port][/path]`` word, read as ``http://…``) to name:
    the one ``urlsplit`` (curl, Python's ``urllib``) finds and the one a WHATWG parser (a browser, node, WebFetch)
    finds, when they differ (``https://evil.example\\@github.com/``: ``github.com`` and ``evil.example``)."""
    out: list[str] = []
    for h in (_urlsplit_host(url), whatwg_host(url)):
        if h and h not in out:
            out.append(h)
    return tuple(out)


@lru_cache(maxsize=4096)
def host_of(url: str) -> str | None:
    """The canonical host of a URL or of ``host[:port][/path]`` (read as ``http://…``), judged by the worse reading.

    Where ``urlsplit`` and a WHATWG parser read two hosts (:func:`url_hosts`), the caller cannot know which client
    will fetch it, so the answer is the one that must not be trusted: a cloud metadata service; else the host that
    is not this machine; else, for two other hosts, both names in one spelling that no ``allowed_hosts`` entry
    matches, ``"evil.example (or github.com)"`` (the WHATWG reading first), so the URL is judged an unlisted host
    and the finding names both."""
    hosts = url_hosts(url)
    if len(hosts) < 2:
        return _valid_or_marked(hosts[0]) if hosts else None
    if worst := next((h for h in hosts if is_cloud_metadata(h)), None):
        return worst
    others = [h for h in hosts if not is_loopback(h)]
    if len(others) < 2:
        return _valid_or_marked(others[0] if others else hosts[0])
    legacy, browser = hosts  # url_hosts: urlsplit's first
    return f"{browser} (or {legacy})"


def _valid_or_marked(host: str) -> str:
    """``host``, or, when it is no valid host name once decoded (``evil.example%2f.github.com`` is
    ``evil.example/.github.com``, which a browser refuses and a client that decodes and cuts it reaches as
    ``evil.example``), the same text marked so that no ``allowed_hosts`` suffix matches it."""
    if parse_ip(host) is None and _FORBIDDEN_DOMAIN.search(host):
        return f"{host} (not a valid host name)"
    return host


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
