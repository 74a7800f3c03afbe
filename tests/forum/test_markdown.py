"""Post bodies as markdown: what renders, what is escaped, and what never survives."""

import re
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from config import caching
from forum.markdown import LINK_REL, link_hosts, quote_markdown, render_markdown

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li",
    "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td", "hr",
    "img", "span",
}  # fmt: skip


@pytest.fixture(autouse=True)
def _no_domains_in_the_admin(_no_leftovers):
    """Rendering looks up the admin's domain lists; these tests render with none, no database."""
    from django.core.cache import cache

    cache.set(caching.DOMAIN_RULES_KEY, ([], []))


class ParsedHTML(HTMLParser):
    """Every start tag in a fragment, as (tag, {attribute: value})."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.elements if name == tag]


def url_scheme(url: str) -> str:
    """The scheme a browser would see: it ignores ASCII whitespace and control characters."""
    return urlsplit(re.sub(r"[\x00-\x20]", "", url)).scheme.lower()


def test_headings_start_below_the_page_title():
    html = render_markdown("# Sync fails\n\n## Steps\n\n###### Tiny")

    assert "<h1" not in html
    assert "<h2>Sync fails</h2>" in html
    assert "<h3>Steps</h3>" in html
    assert "<h6>Tiny</h6>" in html


def test_emphasis_strong_and_inline_code_render():
    html = render_markdown("*soft* **loud** `wallet.dat`")

    assert html == "<p><em>soft</em> <strong>loud</strong> <code>wallet.dat</code></p>\n"


def test_bulleted_and_numbered_lists_render():
    html = render_markdown("- one\n- two\n\n1. first\n2. second")

    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert "<ol>\n<li>first</li>\n<li>second</li>\n</ol>" in html


def test_tables_render_with_alignment_as_an_attribute_not_a_style():
    html = render_markdown("| Coin | Fee |\n|:--|--:|\n| BTC | 0.1 |")

    assert '<th align="left">Coin</th>' in html
    assert '<td align="right">0.1</td>' in html
    assert "style" not in html


def test_strikethrough_renders():
    assert render_markdown("~~wrong~~ right") == "<p><s>wrong</s> right</p>\n"


def test_single_newlines_become_line_breaks():
    assert render_markdown("line one\nline two") == "<p>line one<br>\nline two</p>\n"


def test_fenced_code_keeps_its_language_class_and_escapes_its_content():
    html = render_markdown('```python\nprint("<b>")\n```')

    assert html == ('<pre><code class="language-python">print("&lt;b&gt;")\n</code></pre>\n')


def test_fenced_code_drops_a_language_class_that_is_not_a_plain_name():
    html = render_markdown('```"><script>alert(1)</script>\nx\n```')

    assert html == "<pre><code>x\n</code></pre>\n"


def test_bare_urls_become_links_with_nofollow_ugc_noopener():
    html = render_markdown("See https://docs.example.com/sync for the steps.")

    assert html == (
        '<p>See <a href="https://docs.example.com/sync" rel="nofollow ugc noopener">'
        "https://docs.example.com/sync</a> for the steps.</p>\n"
    )
    assert LINK_REL == "nofollow ugc noopener"


def test_bare_email_addresses_become_mailto_links():
    html = render_markdown("Write to help@example.com please")

    assert '<a href="mailto:help@example.com" rel="nofollow ugc noopener">' in html


def test_file_names_that_look_like_domains_stay_text():
    assert render_markdown("Open README.md and config.py") == (
        "<p>Open README.md and config.py</p>\n"
    )


def test_a_written_link_cannot_set_its_own_target_or_rel():
    html = render_markdown('[docs](https://example.com "The docs")')

    assert html == (
        '<p><a href="https://example.com" title="The docs" rel="nofollow ugc noopener">'
        'docs</a> <span class="link-host">example.com</span></p>\n'
    )


def test_a_relative_link_is_kept():
    assert 'href="/t/42"' in render_markdown("[earlier thread](/t/42)")


def test_a_link_ends_at_chinese_punctuation():
    html = render_markdown("详见https://example.com/faq。谢谢！")

    assert html == (
        '<p>详见<a href="https://example.com/faq" rel="nofollow ugc noopener">'
        "https://example.com/faq</a>。谢谢！</p>\n"
    )


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<iframe src=https://evil.example></iframe>",
        '<img src="/x.png" onerror="alert(1)">',
        '<a href="/" onclick="alert(1)">hi</a>',
        "<div onmouseover=alert(1)>hover</div>",
        "<style>body{display:none}</style>",
    ],
)
def test_raw_html_is_shown_as_text_not_run(source):
    html = render_markdown(source)

    assert "&lt;" in html
    assert {tag for tag, _ in ParsedHTML(html).elements} <= {"p", "a"}  # a: linkified URLs
    assert all(
        not name.startswith("on") for _, attrs in ParsedHTML(html).elements for name in attrs
    )


@pytest.mark.parametrize(
    "source",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](<javascript:alert(1)>)",
        "[click](&#106;avascript:alert(1))",
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "<javascript:alert(1)>",
        "[click][ref]\n\n[ref]: javascript:alert(1)",
    ],
)
def test_script_urls_never_become_links(source):
    html = render_markdown(source)

    assert "<a" not in html


def test_links_to_other_schemes_stay_text():
    assert "<a" not in render_markdown("[pay](bitcoin:bc1qexample) [old](ftp://example.com)")


@pytest.mark.parametrize(
    "source",
    [
        "![logo](https://tracker.example/pixel.png)",
        "![logo](http://tracker.example/pixel.png)",
        "![logo](//tracker.example/pixel.png)",
        "![logo](data:image/png;base64,iVBORw0KGgo=)",
        "![logo](pixel.png)",
    ],
)
def test_images_from_anywhere_but_our_own_host_are_removed(source):
    html = render_markdown(f"before {source} after")

    assert "<img" not in html
    assert "before" in html
    assert "after" in html


def test_images_from_our_own_host_are_kept():
    html = render_markdown('![sync screen](/media/uploads/sync.png "Stuck at 87%")')

    assert html == (
        '<p><img src="/media/uploads/sync.png" alt="sync screen" title="Stuck at 87%"></p>\n'
    )


def test_chinese_text_is_preserved_exactly():
    source = "钱包同步卡在87%，怎么办？「助记词」已备份……请帮忙！"

    assert render_markdown(source) == f"<p>{source}</p>\n"


def test_a_long_body_renders():
    paragraph = "The wallet stopped syncing at block 871204 after the update. 同步失败。\n\n"
    source = (paragraph * (50_000 // len(paragraph) + 1))[:50_000]

    html = render_markdown(source)

    assert html.count("<p>") == source.count("\n\n") + 1


def test_rendering_is_the_same_from_many_threads_at_once():
    sources = [f"# Post {n}\n\nSee https://example.com/{n} and **{n}**" for n in range(40)]
    expected = [render_markdown(source) for source in sources]

    with ThreadPoolExecutor(max_workers=8) as pool:
        rendered = list(pool.map(render_markdown, sources * 5))

    assert rendered == expected * 5


def test_quote_renders_as_a_blockquote_under_the_author_name():
    source = quote_markdown("Try **resyncing**.\n\n```\nresync --all\n```", author_name="alice")

    assert source == (
        "> **alice** wrote:\n>\n> Try **resyncing**.\n>\n> ```\n> resync --all\n> ```\n\n"
    )
    assert render_markdown(source) == (
        "<blockquote>\n"
        "<p><strong>alice</strong> wrote:</p>\n"
        "<p>Try <strong>resyncing</strong>.</p>\n"
        "<pre><code>resync --all\n</code></pre>\n"
        "</blockquote>\n"
    )


def test_quoting_a_quote_nests_it():
    source = quote_markdown("> earlier words\n\nmy answer", author_name="bob")

    html = render_markdown(source + "I agree.")

    assert html.count("<blockquote>") == 2
    assert html.endswith("<p>I agree.</p>\n")


def test_an_author_name_is_quoted_as_text_not_markdown():
    source = quote_markdown("hi", author_name="[*李*](javascript:x) <b>")

    html = render_markdown(source)

    assert "<p><strong>[*李*](javascript:x) &lt;b&gt;</strong> wrote:</p>" in html


def test_link_hosts_lists_the_host_of_each_external_link():
    html = render_markdown(
        "https://Example.com/a and [b](https://docs.example.org/x) "
        "[again](https://example.com/b) [local](/t/1) help@example.net"
    )

    assert link_hosts(html) == ["example.com", "docs.example.org", "example.com"]


def test_link_hosts_gives_international_hosts_in_their_ascii_form():
    html = render_markdown("https://例子.中国/钱包")

    assert link_hosts(html) == ["xn--fsqu00a.xn--fiqs8s"]


DANGEROUS_PIECES = [
    "<script>", "</script>", "<img src=x onerror=alert(1)>", "<iframe>", " onload=",
    "javascript:", "JaVaScRiPt:", "vbscript:", "data:text/html,", "&#106;", "&#x6A;",
    "[x](", "![y](", "](", ")", "<", ">", '"', "'", "`", "```", "\n", "\n\n", "\t", "\\",
    "*", "_", "~~", "|", "# ", "> ", "- ", "1. ", "https://", "//", "/", "www.", "@", ":",
    "&", "\x00", "钱包", "。",
]  # fmt: skip


def assert_safe(html: str) -> None:
    assert "<script" not in html.lower()
    for tag, attrs in ParsedHTML(html).elements:
        assert tag in ALLOWED_TAGS
        for name, value in attrs.items():
            assert not name.startswith("on")
            if name in {"href", "src"}:
                assert url_scheme(value or "") in {"", "http", "https", "mailto"}
        if tag == "a":
            assert attrs["rel"] == LINK_REL
        if tag == "img":
            assert re.fullmatch(r"/[^/\\].*|/", attrs["src"] or "")


@given(st.text())
def test_any_text_renders_safely(source):
    assert_safe(render_markdown(source))


@given(st.lists(st.one_of(st.sampled_from(DANGEROUS_PIECES), st.text(max_size=5)), max_size=40))
def test_any_mix_of_markup_and_attacks_renders_safely(pieces):
    assert_safe(render_markdown("".join(pieces)))


@given(st.text(), st.text().filter(str.strip))
def test_any_quote_renders_inside_one_blockquote(source, author_name):
    html = render_markdown(quote_markdown(source, author_name=author_name))

    assert_safe(html)
    assert html.startswith("<blockquote>\n<p><strong>")
