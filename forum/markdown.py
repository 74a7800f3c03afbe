"""Post bodies: markdown source in, safe HTML out.

This is the one place a post body becomes HTML. Posts are rendered when saved and the
HTML is stored, so rendering is deterministic and fast, and it must be safe on its own:
markdown-it-py parses (raw HTML in the source is escaped, never passed through), then
nh3 cleans the result against an explicit allowlist. Both stages apply the same URL
rules, so a change to one without the other still leaves the output safe.

The parser and the cleaner are built once at import time. Rendering keeps no state on
them (every call gets its own parse state), so any number of threads can render at once.

A render budget. markdown-it-py is pure Python and its cost grows with the markup, not
the length: 50,000 "[" took half a second, a 400-row table of 100 cells a second, and a
body is parsed for its links and again for its HTML. So every parse counts its steps
(each inline rule dispatch, each block start, each cell and token) and stops at
MAX_PARSE_STEPS, well above what a real question uses (33 KB with a table, a list, 30
links and 300 lines of logs in a ``` block takes about 2,000; text in a code block is
not parsed as markdown, so it costs almost nothing).
Counting steps rather than time keeps the result the same on every machine and on every
render of the same text. What is over budget is refused at the form with a message that
says how to fix it (put logs in a code block, trim the table), as a forum should: showing
it as plain text would post something other than what the writer previewed. Anything
that still arrives over budget (an old row, a bulk import) renders as escaped plain
text, so no path costs more than the budget. One parse serves a request: the links
check, the preview and the stored HTML share it (`_parse` keeps the last few results;
they depend on the text alone).
"""

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3
from django.utils.translation import gettext
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from safety import hosts
from safety.selectors import domain_rules

LINK_REL = "nofollow ugc noopener"

# Steps one parse may take: see the module docstring, and bench/abuse.py for what the
# worst body within it costs.
MAX_PARSE_STEPS = 3_000
_STEPS = "handoff_parse_steps"
# Counted before parsing, because their cost comes before any rule can count it: a
# table's rows are read by one block rule, and a bare URL costs linkify and its host
# label about what a dozen steps do.
_TABLE_CELL_STEPS = 2
# A block (a paragraph, a list item, a link reference definition) runs a dozen rules on
# its first line, and its own rule on the rest, before its inline steps.
_BLOCK_STEPS = 3
_URL_STEPS = 12

_URL_SCHEMES = frozenset({"http", "https", "mailto"})

# The thread page's title is the only <h1>, so a post's "# Heading" becomes <h2>.
_DEMOTED_HEADING = {"h1": "h2", "h2": "h3", "h3": "h4", "h4": "h5", "h5": "h6", "h6": "h6"}

_TAGS = {
    "p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li",
    "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td", "hr",
    "img", "span",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "code": {"class"}}
# Table alignment as the align attribute rather than inline style, which a strict
# Content-Security-Policy would block.
_ALIGNMENTS = {"left", "center", "right"}
# The labels after links (_render_link_close) are the only spans, and only we write them:
# the source's own HTML is escaped by the parser.
_HOST_LABELS = {"link-host", "link-verified", "link-host link-verified"}
_TAG_ATTRIBUTE_VALUES = {
    "th": {"align": _ALIGNMENTS},
    "td": {"align": _ALIGNMENTS},
    "span": {"class": _HOST_LABELS},
}

_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):", re.IGNORECASE)
# "/media/x.png" but not "//host/x.png" or "/\host/x.png", which browsers read as
# another host; whitespace and backslashes are refused anywhere because browsers drop
# tabs and newlines from URLs and treat "\" as "/".
_OWN_IMAGE_URL = re.compile(r"/(?![/\\])[^\x00-\x20\x7f\\]*")
_CODE_LANGUAGE_CLASS = re.compile(r"language-[A-Za-z0-9_+#.-]{1,40}")
# Chinese writers put punctuation straight after a URL ("见https://example.com/faq。谢谢"),
# and linkify would take it into the link. Browsers copy URLs percent-encoded, so these
# never belong to a pasted URL.
_CJK_PUNCTUATION = re.compile(
    "[\u2014\u2018-\u201f\u2026\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]"
)
_TABLE_CELL_STYLE = re.compile(r"text-align:(left|center|right)")
# nh3 always writes attribute values in double quotes with ">" escaped, so a tag ends
# at the first ">".
_IMG_WITHOUT_SRC = re.compile(r'<img(?![^>]*\ssrc=")[^>]*>')


def _is_allowed_url(url: str) -> bool:
    """True for relative URLs and for http, https and mailto ones."""
    scheme = _SCHEME.match(url.strip())
    return scheme is None or scheme.group(1).lower() in _URL_SCHEMES


def _is_own_image_url(url: str) -> bool:
    """True for a path on our own host: images from elsewhere could track readers."""
    return _OWN_IMAGE_URL.fullmatch(url) is not None


def _demote_headings_and_align_cells(state: StateCore) -> None:
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = _DEMOTED_HEADING[token.tag]
        elif token.type in ("th_open", "td_open") and "style" in token.attrs:
            alignment = _TABLE_CELL_STYLE.fullmatch(str(token.attrs.pop("style")))
            if alignment:
                token.attrs["align"] = alignment.group(1)


def _end_links_at_cjk_punctuation(state: StateCore) -> None:
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children = block.children
        # Backwards, so inserting a token does not move the ones still to visit.
        for i in range(len(children) - 3, -1, -1):
            link_open, text = children[i], children[i + 1]
            if link_open.markup != "linkify" or link_open.type != "link_open":
                continue
            if not text.content.lower().startswith(("http://", "https://")):
                continue
            cut = _CJK_PUNCTUATION.search(text.content)
            if cut is None:
                continue
            tail = Token("text", "", 0, content=text.content[cut.start() :], level=link_open.level)
            text.content = text.content[: cut.start()]
            link_open.attrs["href"] = state.md.normalizeLink(text.content)
            children.insert(i + 3, tail)


def _render_own_images_only(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    if not _is_own_image_url(str(tokens[idx].attrs.get("src", ""))):
        return ""
    return renderer.image(tokens, idx, options, env)


def _names_host(text: str, host: str) -> bool:
    """True when the link's text already shows where it goes ("tpwallet.com/help", the URL).

    The text must start with the host as readers should see it: a bare link to
    xn--tpwllet-4fg.com is displayed as "tpwаllet.com" (Cyrillic а), so it still gets a label.
    """
    text = text.strip().lower()
    if any(ch.isspace() for ch in text):
        return False
    if hosts.host_of(text if "://" in text else f"https://{text}") != host:
        return False
    # The text must begin with the host: "https://tpwallet.com@phish.example" does not.
    shown = re.sub(r"^https?://", "", text)
    return re.match(re.escape(hosts.display_host(host)) + r"(?:[/?#:]|$)", shown) is not None


def _host_label(tokens: Sequence[Token], open_idx: int, close_idx: int, env: EnvType) -> str:
    """What follows a link so readers see its real host, and a check mark on official sites.

    Stored HTML is the same for every reader, so the label carries no words: the host,
    and "✓" for an official site (the thread page's safety notice says what it means).
    """
    host = hosts.host_of(str(tokens[open_idx].attrs.get("href", "")))
    if host is None:
        return ""
    if "domain_rules" not in env:
        env["domain_rules"] = domain_rules()
    is_official = env["domain_rules"].official_domain(host) is not None
    text = "".join(
        token.content
        for token in tokens[open_idx + 1 : close_idx]
        if token.type in ("text", "code_inline")
    )
    if _names_host(text, host):
        return ' <span class="link-verified">✓</span>' if is_official else ""
    label = escape(hosts.display_host(host))
    if is_official:
        return f' <span class="link-host link-verified">✓ {label}</span>'
    return f' <span class="link-host">{label}</span>'


def _render_link_close(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    open_idx = idx - 1
    while tokens[open_idx].type != "link_open":  # links do not nest in CommonMark
        open_idx -= 1
    html = renderer.renderToken(tokens, idx, options, env)
    return html + _host_label(tokens, open_idx, idx, env)


class OverBudget(Exception):
    """The text needs more parsing than MAX_PARSE_STEPS allows."""


def _step(env: EnvType, steps: int = 1) -> None:
    env[_STEPS] = env.get(_STEPS, 0) + steps
    if env[_STEPS] > MAX_PARSE_STEPS:
        raise OverBudget


def _count_inline_step(state: StateInline, silent: bool) -> bool:
    _step(state.env)
    return False  # counts, and lets the real rules run


def _count_block_step(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    _step(state.env, _BLOCK_STEPS)
    return False


def _count_table_cells(state: StateCore) -> None:
    """Each token is work for the rules after this and the renderer; a table's cells
    cost no inline step when empty."""
    _step(state.env, len(state.tokens) // 4)


# Longer than any real link (browsers and servers stop near 2,000; a host is at most 253):
# such a "URL" stays text. mdurl reads a URL's host one character at a time in Python,
# twice per link, so a 48 KB host cost 60 ms before any rule could count it.
MAX_URL_CHARS = 2_048


class _PostParser(MarkdownIt):
    def normalizeLink(self, url: str) -> str:
        return url if len(url) > MAX_URL_CHARS else super().normalizeLink(url)

    def normalizeLinkText(self, link: str) -> str:
        return link if len(link) > MAX_URL_CHARS else super().normalizeLinkText(link)

    def validateLink(self, url: str) -> bool:
        return len(url) <= MAX_URL_CHARS and _is_allowed_url(url)


def _build_parser() -> MarkdownIt:
    parser = _PostParser(
        "commonmark", {"html": False, "breaks": True, "linkify": True, "typographer": False}
    ).enable(["table", "strikethrough", "linkify"])
    # Only URLs with a scheme become links: bare names such as README.md or config.py
    # would otherwise link to country domains. ftp:// and //host are left as text.
    parser.linkify.set({"fuzzy_link": False}).add("ftp:", None).add("//", None)
    # With fuzzy links off, a link needs a scheme ("https:") or, for an email, an "@".
    # linkify-it's own pretest also runs its fuzzy host pattern, 35 ms on "a." * 24000.
    parser.linkify.pretest = lambda text: ":" in text or "@" in text
    parser.block.ruler.before("table", "count_steps", _count_block_step)
    parser.inline.ruler.before("text", "count_steps", _count_inline_step)
    parser.core.ruler.after("block", "count_tokens", _count_table_cells)
    parser.core.ruler.push("demote_headings_and_align_cells", _demote_headings_and_align_cells)
    parser.core.ruler.push("end_links_at_cjk_punctuation", _end_links_at_cjk_punctuation)
    parser.add_render_rule("image", _render_own_images_only)
    parser.add_render_rule("link_close", _render_link_close)
    return parser


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if _is_own_image_url(value) else None
    if tag == "code" and attribute == "class":
        return value if _CODE_LANGUAGE_CLASS.fullmatch(value) else None
    return value


_parser = _build_parser()
_cleaner = nh3.Cleaner(
    tags=_TAGS,
    attributes=_ATTRIBUTES,
    tag_attribute_values=_TAG_ATTRIBUTE_VALUES,
    attribute_filter=_filter_attribute,
    link_rel=LINK_REL,
    url_schemes=set(_URL_SCHEMES),
)


@functools.lru_cache(maxsize=8)
def _parse(source: str) -> tuple[Token, ...] | None:
    """The tokens of `source`, or None when it is over the budget. Callers must not change them."""
    env: EnvType = {}
    try:
        _step(env, source.count("|") * _TABLE_CELL_STEPS + source.count("://") * _URL_STEPS)
        return tuple(_parser.parse(source, env))
    except OverBudget:
        return None


def is_within_budget(source: str) -> bool:
    """True when `source` can be rendered as markdown within MAX_PARSE_STEPS."""
    return _parse(source) is not None


def over_budget_message() -> str:
    return gettext(
        "This text has too much formatting to show: too many brackets, emphasis marks, "
        "table cells or links. Put logs and code between two lines of ``` (a code "
        "block), shorten tables, or split it into several posts."
    )


def _plain_text_html(source: str) -> str:
    """The text as it was typed, escaped: paragraphs at blank lines, line breaks kept."""
    paragraphs = re.split(r"\n[ \t]*\n", source.replace("\r\n", "\n").replace("\r", "\n"))
    return "".join(
        "<p>" + escape(paragraph.strip("\n")).replace("\n", "<br>\n") + "</p>\n"
        for paragraph in paragraphs
        if paragraph.strip()
    )


def render_markdown(source: str) -> str:
    """Return the post body as safe HTML, ready to store and mark safe in templates.

    Each link to another site is followed by its real host, unless its text shows it.
    A body over the render budget comes out as escaped plain text.
    """
    tokens = _parse(source)
    if tokens is None:
        return _plain_text_html(source)
    html = _cleaner.clean(_parser.renderer.render(list(tokens), _parser.options, {}))
    if "<img" in html:
        # nh3 can drop an image's src but not the image itself.
        html = _IMG_WITHOUT_SRC.sub("", html)
    return html


def _escape_markdown(text: str) -> str:
    """Make text render literally: CommonMark lets any ASCII punctuation be escaped."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", " ".join(text.split()))


def quote_markdown(source: str, *, author_name: str) -> str:
    """Return source as a blockquote under "<author> wrote:", to start a reply with.

    The result ends with a blank line so the reply can be typed straight after it.
    """
    attribution = gettext("%(author)s wrote:") % {"author": f"**{_escape_markdown(author_name)}**"}
    lines = [
        attribution,
        "",
        *source.replace("\r\n", "\n").replace("\r", "\n").strip("\n").split("\n"),
    ]
    return "".join(f"> {line}\n" if line.strip() else ">\n" for line in lines) + "\n"


@dataclass(frozen=True)
class Outbound:
    """What a post body points at: its link targets, in order, and how many images it has."""

    hrefs: tuple[str, ...]
    image_count: int


def find_outbound(source: str) -> Outbound:
    """The links and images of a body as the renderer sees them: bare URLs, written
    links, <autolinks> and reference links alike, with entities and escapes resolved."""
    hrefs = []
    images = 0
    for block in _parse(source) or ():  # over budget: shown as plain text, with no links
        for token in block.children or ():
            if token.type == "link_open":
                hrefs.append(str(token.attrs.get("href", "")))
            elif token.type == "image":
                images += 1
    return Outbound(hrefs=tuple(hrefs), image_count=images)


class _LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.extend(value for name, value in attrs if name == "href" and value)


def link_hosts(html: str) -> list[str]:
    """Return the host of each link in rendered HTML, in order, one per link.

    Relative and mailto links have no host and are left out. Hosts are lowercase, and
    international names arrive in their xn-- form because the parser encodes them.
    """
    collector = _LinkCollector()
    collector.feed(html)
    collector.close()
    hosts = []
    for href in collector.hrefs:
        try:
            host = urlsplit(href).hostname
        except ValueError:  # e.g. a malformed IPv6 literal: no usable host
            continue
        if host:
            hosts.append(host.rstrip("."))
    return hosts
