"""Places on forum pages that other apps fill in, so the forum need not know them.

An app registers a function in its AppConfig.ready(); the forum calls it while
rendering and shows whatever HTML it returns (an empty string shows nothing). The
escalation app uses the thread sidebar for "Ask the support team" and a ticket's status.
"""

from collections.abc import Callable
from dataclasses import dataclass

ThreadPanel = Callable[..., str]

_thread_panels: list[ThreadPanel] = []


def register_thread_panel(panel: ThreadPanel) -> ThreadPanel:
    """`panel(request=…, thread=…) -> str`: HTML for the thread page's sidebar, or ""."""
    if panel not in _thread_panels:
        _thread_panels.append(panel)
    return panel


def thread_panels(*, request, thread) -> list[str]:
    return [html for panel in _thread_panels if (html := panel(request=request, thread=thread))]


# --- Read with a member's thread page --------------------------------------------


@dataclass(frozen=True)
class PageRead:
    """Rows another app shows on a thread page, read in the statement that reads a
    signed-in member's thread and its posts (forum.selectors.member_thread_page): one
    round trip for the page instead of one more for each app.

    `statement(thread_id)` gives (SQL, params, context): a SELECT whose columns have the
    SQL types `types` (the page's other rows carry typed NULLs in their place: PostgreSQL
    cannot match a column of NULLs to another type across three SELECTs) and whatever the
    app needs to read its rows; or None when the app reads apart this time.
    `receive(request=…, thread=…, rows=…, context=…)` gets the rows, once the thread is
    read and visible to the member; it is not called when the statement was None. It
    returns what the app shows from them, as plain values (they key the member's saved
    copy of the page, forum/pagecache.py), or None when it cannot use them and reads
    apart; a page that has a read without a statement, or a receive that returned None,
    is rendered afresh and not saved.
    """

    statement: Callable[[int], tuple[str, list, object] | None]
    types: tuple[str, ...]
    receive: Callable[..., object]


_page_reads: list[PageRead] = []


def register_page_read(read: PageRead) -> PageRead:
    if read not in _page_reads:
        _page_reads.append(read)
    return read


def page_reads() -> list[PageRead]:
    return list(_page_reads)


# --- After a post is written -----------------------------------------------------

PostHook = Callable[..., set[int]]

_post_hooks: list[PostHook] = []


def register_post_hook(hook: PostHook) -> PostHook:
    """`hook(thread=…, post=…, author=…, now=…) -> set of user ids`.

    Called by create_post inside its transaction, with the thread's row locked, after the
    post is saved and before the thread's followers are told. A hook that tells someone
    about this post itself (the escalation app tells the asker "the support team answered")
    returns their ids, and the forum's own "new reply" notification skips them. A hook
    that raises rolls the post back with it.
    """
    if hook not in _post_hooks:
        _post_hooks.append(hook)
    return hook


def run_post_hooks(*, thread, post, author, now) -> set[int]:
    told: set[int] = set()
    for hook in _post_hooks:
        told |= hook(thread=thread, post=post, author=author, now=now) or set()
    return told


# --- Under the question ---------------------------------------------------------------

_question_followups: list[ThreadPanel] = []


def register_question_followup(followup: ThreadPanel) -> ThreadPanel:
    """`followup(request=…, thread=…) -> str`: HTML right under the question, or "" (the
    help app's first-line bot shows its automatic reply there). Not a post: the thread's
    counts, states and clocks never see it. Rendered on every view, like the panels."""
    if followup not in _question_followups:
        _question_followups.append(followup)
    return followup


def question_followups(*, request, thread) -> list[str]:
    return [html for hook in _question_followups if (html := hook(request=request, thread=thread))]


# --- Under the thread --------------------------------------------------------------

_thread_footers: list[ThreadPanel] = []


def register_thread_footer(footer: ThreadPanel) -> ThreadPanel:
    """`footer(request=…, thread=…) -> str`: HTML under the thread's posts, or "" (the help
    app puts the thread's help article and related questions there).

    Unlike the sidebar panels, footers are part of a member's saved copy of the page
    (forum/pagecache.py): a footer shows only what the thread, the viewer and the rows of
    its app's PageRead say (all in the copy's key), and reads those rows from the page's
    statement. (Tests render every saved copy afresh and compare: MEMBER_PAGE_CACHE_VERIFY.)"""
    if footer not in _thread_footers:
        _thread_footers.append(footer)
    return footer


def thread_footers(*, request, thread) -> list[str]:
    return [html for footer in _thread_footers if (html := footer(request=request, thread=thread))]


# --- The ask page and the search page -----------------------------------------------

AskSuggestions = Callable[..., str]

_ask_suggestions: list[AskSuggestions] = []


def register_ask_suggestions(suggest: AskSuggestions) -> AskSuggestions:
    """`suggest(request=…, title=…, body=…) -> str`: HTML of questions like the one being
    asked, for the ask page's "Check for similar questions" button (the page without
    JavaScript); the help app's own address answers the typing (htmx) with the same HTML."""
    if suggest not in _ask_suggestions:
        _ask_suggestions.append(suggest)
    return suggest


def ask_suggestions(*, request, title: str, body: str) -> str:
    return "".join(suggest(request=request, title=title, body=body) for suggest in _ask_suggestions)


SearchSection = Callable[..., str]

_search_sections: list[SearchSection] = []


def register_search_section(section: SearchSection) -> SearchSection:
    """`section(request=…, query=…) -> str`: HTML shown above the threads found on the
    first page of a search (the help app's articles: they rank first), or "". `query` is
    the parsed forum.search.Query."""
    if section not in _search_sections:
        _search_sections.append(section)
    return section


def search_sections(*, request, query) -> list[str]:
    return [html for section in _search_sections if (html := section(request=request, query=query))]
