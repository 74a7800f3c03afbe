"""Where a link really goes, and what the forum knows about that place.

A scammer's link hides its host: `[tpwallet.com](https://evil.io)`, `https://tpwallet.com@evil.io`,
`https://evil%2Eio`, full-width dots (`evil。io`), Cyrillic letters (`tpwаllet.com`) or
punycode. So a host is read the way a browser reads it, by ada (ada-url), a WHATWG URL
parser: the one Node.js uses, maintained with the standard, so percent-escapes, IDNA
mapping, user-info and numeric IPs come out as the browser would take them, not as
urllib guesses. Everything here works on that ASCII (xn--) form of the host.

Each domain on a list covers its subdomains. The lists are the settings
(BLOCKED_DOMAINS, OFFICIAL_DOMAINS) plus the BlockedDomain and OfficialDomain rows admins
keep in the admin; `safety.selectors.domain_rules()` reads them once per DOMAIN_RULES_TTL from the shared
cache, and a change to a row clears it (apps.py connects `forget_domain_rules`).

A look-alike of an official domain contains its name once both are folded to their
skeleton (safety.names: confusable letters, leetspeak, separators dropped), as in
`tpwallet-support.com`, `tpwa11et.com`, `tpwallet.com.evil.io` or `tp-wаllet.net`, or has a
label one typo away from it (`tpwalet.com`, `tpwallett.com`). Names and public suffixes
are told apart with the Public Suffix List (publicsuffixlist, which ships the list and
is re-released as it changes; it reads nothing from the network), so `tpwallet.co.uk`
is a domain named "tpwallet" and not one named "co".

Hosts are bounded as DNS bounds them: at most 253 characters, 63 per label. A longer
dotted run ("a.a.a.…com", 48 KB of it) is no name any resolver will look up, and judging
each of its 24,000 parents and labels cost seconds a post. It is read as what a reader
would copy from it, its tail: the longest run of whole labels at its end that DNS would
accept (`dns_bounded`). So padding hides nothing (`aaaa.(300 labels).evil.io` is judged
as a name ending in evil.io, blocked like evil.io itself), and the work per host is
bounded: at most MAX_LABELS parents looked up in a set, MAX_LABELS labels folded.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass

import ada_url
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from publicsuffixlist import PublicSuffixList

from safety.names import SHORT_WORD_LENGTH, skeleton

# Names this long or longer also catch hosts one typo away; shorter ones would catch
# too many honest sites.
TYPO_MIN_LENGTH = 6

# RFC 1035 as resolvers apply it: 253 characters in the dotted form, 63 per label.
MAX_HOST_LENGTH = 253
MAX_LABEL_LENGTH = 63
MAX_LABELS = (MAX_HOST_LENGTH + 1) // 2  # "a.a.….a": one letter and one dot each

_WEB_SCHEMES = frozenset({"http:", "https:"})
_ASCII_DOMAIN = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)(?:\.(?!-)[a-z0-9-]{1,63}(?<!-))+")
_public_suffixes = PublicSuffixList()


# --- Hosts ---------------------------------------------------------------------------


def host_of(href: str) -> str | None:
    """The host a browser goes to for an http(s) link, lowercase ASCII; None for anything else.

    Relative and mailto links and IP addresses have no domain to judge, so they give None.
    """
    try:
        url = ada_url.URL(href)
    except ValueError:
        return None
    if url.protocol not in _WEB_SCHEMES or url.host_type != ada_url.HostType.DEFAULT:
        return None
    host = dns_bounded(url.hostname.rstrip("."))
    if "xn--" in host:
        host = dns_bounded(_remapped(host))
    return host or None


def dns_bounded(host: str) -> str:
    """The longest tail of whole labels of `host` that DNS accepts; "" if even the last label is too long.

    Linear in the part kept: it walks back from the end over at most MAX_HOST_LENGTH
    characters, whatever the length of what comes before.
    """
    if len(host) <= MAX_HOST_LENGTH and all(
        0 < len(label) <= MAX_LABEL_LENGTH for label in host.split(".")
    ):
        return host
    window = host[-(MAX_HOST_LENGTH + 1) :]
    kept: list[str] = []
    length = -1  # no dot before the first label kept
    for label in reversed(window.split(".")):
        if not 0 < len(label) <= MAX_LABEL_LENGTH or length + 1 + len(label) > MAX_HOST_LENGTH:
            break
        kept.append(label)
        length += 1 + len(label)
    if len(window) == MAX_HOST_LENGTH + 1 and len(kept) == window.count(".") + 1:
        kept.pop()  # the window's first label may be the cut end of a longer one
    return ".".join(reversed(kept))


def _remapped(host: str) -> str:
    """The host with its punycode labels mapped again as a browser maps what it is given.

    The markdown parser punycodes hosts without mapping them first, so "ｅｖｉｌ.io"
    (full-width letters) arrives as xn--qi7ciaj2b.io, which a browser would have read
    as evil.io.
    """
    labels = []
    for label in host.split("."):
        if label.startswith("xn--"):
            try:
                label = label[4:].encode("ascii").decode("punycode")
            except UnicodeError:
                return host
        labels.append(label)
    mapped = ada_url.idna_to_ascii(".".join(labels))
    mapped = mapped.decode() if isinstance(mapped, bytes) else mapped
    return mapped.rstrip(".") if _ASCII_DOMAIN.fullmatch(mapped.rstrip(".")) else host


def display_host(host: str) -> str:
    """The host as readers should see it: in its own script, unless that would deceive.

    `例子.中国` reads better than `xn--fsqu00a.xn--fiqs8s`, but a label with letters that
    pass for Latin ones (`tpwаllet` with a Cyrillic а) is shown in its xn-- form, as
    browsers do, so the difference shows.
    """
    if "xn--" not in host:
        return host
    readable = ada_url.idna_to_unicode(host)
    for label in readable.split("."):
        if not label.isascii() and skeleton(label).isascii():
            return host
    return readable


def normalize_domain(value: str) -> str:
    """A domain as typed by an admin ("https://Evil.io/x", "*.evil.io", "例子.中国") in ASCII form.

    Raises ValidationError for something that is not a domain, or is a public suffix
    (blocking "co.uk" would block every site under it).
    """
    text = value.strip().lower().removeprefix("*.")
    host = host_of(text if "://" in text else f"https://{text}")
    if host is None or not _ASCII_DOMAIN.fullmatch(host):
        raise ValidationError(
            _("“%(value)s” is not a domain name, such as example.com."),
            code="invalid",
            params={"value": value},
        )
    if _public_suffixes.is_public(host):
        raise ValidationError(
            _(
                "“%(value)s” is a public suffix shared by many sites; name one site, such as example.%(value)s."
            ),
            code="public_suffix",
            params={"value": host},
        )
    return host


def has_known_suffix(host: str) -> bool:
    """True when the host ends in a suffix on the Public Suffix List (not "tpwallet.apk")."""
    return _public_suffixes.publicsuffix(host, accept_unknown=False) is not None


def parents(host: str):
    """`host` and each of its parent names, longest first: a.b.c, b.c, c.

    One slice per label; host_of's hosts have at most MAX_LABELS labels.
    """
    start = 0
    while True:
        yield host[start:]
        dot = host.find(".", start)
        if dot < 0:
            return
        start = dot + 1


def _covering(host: str, domains: frozenset[str]) -> str | None:
    """The domain in `domains` that is host or one of its parents."""
    return next((candidate for candidate in parents(host) if candidate in domains), None)


def _one_edit_apart(a: str, b: str) -> bool:
    """True when one insertion, deletion, substitution or swap of neighbours turns a into b."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    prefix = 0
    while prefix < len(a) and a[prefix] == b[prefix]:
        prefix += 1
    if len(a) < len(b):
        return a[prefix:] == b[prefix + 1 :]
    if a[prefix + 1 :] == b[prefix + 1 :]:
        return True
    return (
        prefix + 1 < len(a)
        and a[prefix] == b[prefix + 1]
        and a[prefix + 1] == b[prefix]
        and a[prefix + 2 :] == b[prefix + 2 :]
    )


# --- The lists -----------------------------------------------------------------------


@dataclass(frozen=True)
class Brand:
    """An official domain's name ("tpwallet" of tpwallet.com), as a skeleton."""

    domain: str
    name: str


@dataclass(frozen=True)
class DomainRules:
    blocked: frozenset[str]
    official: frozenset[str]

    @functools.cached_property
    def brands(self) -> tuple[Brand, ...]:
        brands = {}
        for domain in sorted(self.official):
            suffix = _public_suffixes.publicsuffix(domain) or ""
            name = domain.removesuffix(suffix).rstrip(".").rsplit(".", 1)[-1]
            folded = skeleton(ada_url.idna_to_unicode(name))
            if folded:
                brands.setdefault(folded, Brand(domain=domain, name=folded))
        return tuple(brands.values())

    @functools.cached_property
    def fingerprint(self) -> str:
        """Changes with the lists: a key part for whatever shows links (forum/defang.py)."""
        lists = repr((sorted(self.blocked), sorted(self.official))).encode()
        return hashlib.blake2b(lists, digest_size=8).hexdigest()

    def blocked_domain(self, host: str) -> str | None:
        return _covering(host, self.blocked)

    def official_domain(self, host: str) -> str | None:
        return _covering(host, self.official)

    def imitated_domain(self, host: str) -> str | None:
        """The official domain that `host` imitates, if any (see the module docstring)."""
        if self.official_domain(host):
            return None
        suffix = _public_suffixes.publicsuffix(host) or ""
        named_part = host.removesuffix(suffix).rstrip(".")
        if not named_part:
            return None
        labels = [skeleton(ada_url.idna_to_unicode(label)) for label in named_part.split(".")]
        joined = "".join(labels)
        for brand in self.brands:
            if len(brand.name) <= SHORT_WORD_LENGTH:
                # "tp" would be found in "httpbin": a short name must be a whole label.
                if brand.name in labels:
                    return brand.domain
                continue
            if brand.name in joined:
                return brand.domain
            if len(brand.name) >= TYPO_MIN_LENGTH and any(
                _one_edit_apart(label, brand.name) for label in labels
            ):
                return brand.domain
        return None


@functools.lru_cache(maxsize=8)
def domains_from_settings(names: tuple[str, ...]) -> frozenset[str]:
    domains = set()
    for name in names:
        try:
            domains.add(normalize_domain(name))
        except ValidationError:
            continue  # a bad entry in the environment must not stop all posting
    return frozenset(domains)


@functools.lru_cache(maxsize=8)
def rules_for(blocked: frozenset[str], official: frozenset[str]) -> DomainRules:
    """One DomainRules per pair of lists, so its brands are folded once, not per post."""
    return DomainRules(blocked=blocked, official=official)
