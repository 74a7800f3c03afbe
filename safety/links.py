"""What a post may link to and embed, given who writes it.

Every link counts, however it is written: bare URLs, [written](links), <autolinks>,
reference links, and links hidden behind entities or percent-escapes, because the rules
read the links the renderer makes (the caller passes them: the forum's
markdown.find_outbound) and their hosts as a browser reads them (hosts.host_of). Domains named in the text without a link ("go to evil.io",
an email address, full-width letters) count for the blocked and look-alike rules too:
people type what they read.

- A link to a blocked domain or any of its subdomains refuses the post, naming the host.
- A link to a look-alike of an official domain refuses the post from a member who is not
  trusted yet (Trust.is_trusted, worked out by accounts.trust); from a trusted member it
  is posted, and the forum flags the post for a moderator (forum.services).
- New members put at most NEW_MEMBER_MAX_LINKS links to other sites in a post, and no
  images (limits.new_member_refusal).

A post names at most MAX_HOSTS different sites, linked or written: judging a host costs
a few lookups and a fold of each label, and a body naming thousands of them (50 KB of
"x1.com x2.com …") is a list, not a question. Such a body is refused, so no host goes
unjudged: reading stops one host past the limit, so the work per body is bounded.

Forms call check_body() to show the reason next to the text; the services call it again
before they write, so no path skips it (the forum's services.check_links does both).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from django.utils.translation import gettext as _

from safety import hosts, limits
from safety.errors import LinkRefused
from safety.selectors import domain_rules

# A host name in plain text, after NFKC (full-width letters and dots become ASCII); not
# a path segment ("/docs/evil.io"), but the host after "//" or "@" is one. Labels of any
# length: hosts.host_of keeps the tail DNS accepts, so "x"*70 + ".evil.io" is evil.io.
# Linear: a label cannot cross a dot, so each one is matched one way only.
_NAMED_HOST = re.compile(
    r"(?<![\w.-])(?<![^/]/)(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9](?![\w-])",
    re.IGNORECASE | re.ASCII,
)
_IDEOGRAPHIC_DOTS = str.maketrans({"。": ".", "｡": "."})
MAX_HOSTS = 100


def _named_hosts(body: str, *, limit: int) -> tuple[str, ...]:
    """Host names written in the text, linked or not (see the module docstring).

    Stops once it has found more than `limit` different ones.
    """
    text = unicodedata.normalize("NFKC", body).translate(_IDEOGRAPHIC_DOTS)
    named: dict[str, None] = {}
    for match in _NAMED_HOST.finditer(text):
        host = hosts.host_of(f"https://{match.group()}")
        # File names are not sites: "I installed tpwallet.apk" names no look-alike.
        if host and host not in named and hosts.has_known_suffix(host):
            named[host] = None
            if len(named) > limit:
                break
    return tuple(named)


class Outbound(Protocol):
    """What a body points at, as its renderer reads it (forum.markdown.find_outbound)."""

    @property
    def hrefs(self) -> Sequence[str]: ...

    @property
    def image_count(self) -> int: ...


@dataclass(frozen=True)
class PostLinks:
    """Where a body's links go (hosts, in order) and what the lists say about them."""

    hosts: tuple[str, ...] = ()  # of the links only: what new members' limit counts
    blocked: tuple[str, ...] = ()  # hosts on a blocked domain, linked or named
    lookalikes: dict[str, str] = field(default_factory=dict)  # host → the official domain
    image_count: int = 0
    has_too_many_hosts: bool = False  # more than MAX_HOSTS: the others were not judged


def find_links(body: str, *, outbound: Outbound) -> PostLinks:
    """The body's links and images, and which hosts are blocked or look-alikes.

    `outbound` is what the renderer makes of `body`: its links and its number of images.
    """
    link_hosts = tuple(host for host in map(hosts.host_of, outbound.hrefs) if host)
    judged = tuple(dict.fromkeys((*link_hosts, *_named_hosts(body, limit=MAX_HOSTS))))
    if len(judged) > MAX_HOSTS:
        return PostLinks(
            hosts=link_hosts, image_count=outbound.image_count, has_too_many_hosts=True
        )
    if not judged:
        return PostLinks(image_count=outbound.image_count)
    rules = domain_rules()
    lookalikes = {}
    for host in judged:
        if (official := rules.imitated_domain(host)) is not None:
            lookalikes.setdefault(host, official)
    return PostLinks(
        hosts=link_hosts,
        blocked=tuple(host for host in judged if rules.blocked_domain(host)),
        lookalikes=lookalikes,
        image_count=outbound.image_count,
    )


def check_body(*, body: str, outbound: Outbound, trust: limits.Trust) -> PostLinks:
    """The body's links if a member of this `trust` may post them; raises LinkRefused
    saying why not. `outbound` as for find_links()."""
    found = find_links(body, outbound=outbound)
    if found.has_too_many_hosts:
        raise LinkRefused(
            _(
                "This post names more than %(max)d different web sites. Name only the "
                "ones your question or answer is about."
            )
            % {"max": MAX_HOSTS}
        )
    if found.blocked:
        raise LinkRefused(
            _(
                "This post points to %(host)s, which is on our list of phishing and scam "
                "sites. Remove it to post. If someone sent you there, do not enter anything "
                "on that site."
            )
            % {"host": hosts.display_host(found.blocked[0])}
        )
    if found.lookalikes and not trust.is_trusted:
        host, official = next(iter(found.lookalikes.items()))
        raise LinkRefused(
            _(
                "%(host)s is not our official site, although it looks like %(official)s. "
                "Sites like it are how scammers empty wallets, so links to them are "
                "kept for trusted members. If you meant the official site, link to "
                "%(official)s itself."
            )
            % {"host": hosts.display_host(host), "official": hosts.display_host(official)}
        )
    refusal = limits.new_member_refusal(
        trust, link_count=len(found.hosts), image_count=found.image_count
    )
    if refusal is not None:
        raise LinkRefused(refusal)
    return found
