"""Links shown as text, where nobody should follow them.

A flagged post may be a scam, so while it waits for a moderator its links are not
clickable for anyone, moderators included: a post with open flags, or hidden (by flags
or by a moderator), shows each link as text, its host defanged ("evil[.]io"), until a
moderator dismisses the flags or shows the post again (Post.has_links_as_text). A link to
a blocked domain or to a look-alike of an official one is never clickable, in any post:
a domain blocked after the post was written stops working at once.

The stored HTML stays as markdown.render_markdown wrote it, and is changed as it is shown,
by one pass over the tags: the renderer's output (cleaned by nh3) writes each attribute in
double quotes with ">" escaped, so a tag ends at the first ">", and links do not nest.
Whatever is cached must be keyed by what this reads: Post.has_links_as_text and
DomainRules.fingerprint (forum/fragments.py, selectors.ThreadPageFacts).
"""

from __future__ import annotations

import html
import re

from django.utils.html import escape

from safety import hosts

_LINK_TAG = re.compile(r"<a\s[^>]*>|</a>")
_HREF = re.compile(r'\shref="([^"]*)"')
# The host label markdown._host_label writes after a link whose text does not show its host.
_HOST_LABEL = re.compile(r' <span class="link-host[^"]*">[^<]*</span>')
# Our own pages: /t/12/, /p/3/, #post-3; not //host or /\host, which browsers read as a host.
_OWN_PAGE = re.compile(r"(?:/(?![/\\])|#)")


def shown_body_html(post, *, rules: hosts.DomainRules) -> str:
    """The post's stored body HTML as readers see it now (see the module docstring)."""
    return links_as_text(post.body_html, every_link=post.has_links_as_text, rules=rules)


def links_as_text(body_html: str, *, every_link: bool, rules: hosts.DomainRules) -> str:
    """`body_html` with the links that must not be followed turned to text.

    `every_link`: all links to other sites, not only blocked and look-alike ones.
    Linear in the length of the HTML: each tag is looked at once.
    """
    if "<a" not in body_html:
        return body_html
    shown: list[str] = []
    done = 0  # body_html[:done] is in `shown`
    host_as_text: str | None = None  # inside a link being turned to text: its host, or ""
    for tag in _LINK_TAG.finditer(body_html):
        if tag.group() != "</a>":
            href_found = _HREF.search(tag.group())
            href = html.unescape(href_found.group(1)) if href_found else ""
            if _should_be_text(href, every_link=every_link, rules=rules):
                shown += [body_html[done : tag.start()], '<span class="defanged-link">']
                done = tag.end()
                host_as_text = hosts.host_of(href) or ""
            continue
        if host_as_text is None:
            continue
        shown += [_defanged(body_html[done : tag.start()], host_as_text), "</span>"]
        done = tag.end()
        label = _HOST_LABEL.match(body_html, done)
        if label:
            shown.append(_defanged(label.group(), host_as_text))
            done = label.end()
        host_as_text = None
    shown.append(body_html[done:])
    return "".join(shown)


def _should_be_text(href: str, *, every_link: bool, rules: hosts.DomainRules) -> bool:
    host = hosts.host_of(href)
    if host is not None and (rules.blocked_domain(host) or rules.imitated_domain(host)):
        return True
    return every_link and not _OWN_PAGE.match(href)


def _defanged(fragment: str, host: str) -> str:
    """`fragment` (HTML) with the host written so that nothing turns it into a link again:
    "evil[.]io", as security teams write hosts they warn about."""
    if not host:
        return fragment
    for spelling in dict.fromkeys((escape(hosts.display_host(host)), host)):
        fragment = fragment.replace(spelling, spelling.replace(".", "[.]"))
    return fragment
