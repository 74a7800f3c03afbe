"""Places on forum pages that other apps fill in, so the forum need not know them.

An app registers a function in its AppConfig.ready(); the forum calls it while
rendering and shows whatever HTML it returns (an empty string shows nothing). The
escalation app uses the thread sidebar for "Ask the support team" and a ticket's status.
"""

from collections.abc import Callable

ThreadPanel = Callable[..., str]

_thread_panels: list[ThreadPanel] = []


def register_thread_panel(panel: ThreadPanel) -> ThreadPanel:
    """`panel(request=…, thread=…) -> str`: HTML for the thread page's sidebar, or ""."""
    if panel not in _thread_panels:
        _thread_panels.append(panel)
    return panel


def thread_panels(*, request, thread) -> list[str]:
    return [html for panel in _thread_panels if (html := panel(request=request, thread=thread))]


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
