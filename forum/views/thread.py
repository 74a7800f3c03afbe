from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from forum import access, extensions, selectors, viewcounts
from forum.forms import ReplyForm
from forum.markdown import quote_markdown
from forum.models import Post
from forum.pagecache import render_for_member, render_for_visitors, visitor_copy
from notifications.services.unread import mark_thread_read


def thread_redirect(request, thread_id):
    thread = access.get_thread_for_user(request.user, thread_id)
    return redirect(thread, permanent=True)


def thread_detail(request, thread_id, slug):
    # A visitors' copy is served after the one check that matters to a visitor (the thread
    # is there and not hidden, however it was hidden), without reading the thread itself.
    copy = visitor_copy(request)
    if copy is not None and 0 < thread_id < 2**63 and access.is_public_thread(thread_id):
        viewcounts.record_view(thread_id)
        return copy
    page = page_number(request.GET.get("page", "1"))
    is_member_page = request.user.is_authenticated and not request.GET.get("quote")
    if is_member_page:
        # The thread, the page's posts (the page's key is made of them) and what other
        # apps show on the page, in one statement.
        reads = extensions.page_reads()
        thread, facts, received = selectors.member_thread_page(
            thread_id=thread_id, user=request.user, page=page, reads=reads
        )
        # What other apps show from their rows (forum/extensions.PageRead), for the key.
        shown = [
            read.receive(request=request, thread=thread, rows=rows, context=context)
            for read, rows, context in received
        ]
        keyed = len(received) == len(reads) and None not in shown
    else:
        thread = access.get_thread_for_user(request.user, thread_id)
    if slug != thread.slug:
        return redirect(thread, permanent=True)
    # The stored count plus the views the next fold adds (forum/viewcounts.py).
    thread.view_count += viewcounts.record_view(thread.pk)
    # Before the page renders, so its header shows the count without them.
    mark_thread_read(user=request.user, thread_id=thread.pk)
    if is_member_page:
        return render_for_member(
            request,
            values=(*facts.cache_values(), shown) if keyed else None,
            slots=_slots(request, thread, footer=False),
            build=lambda slots: render_thread(
                request,
                thread,
                form=ReplyForm(),
                page=page,
                slots={**slots, "footer": _footer(request, thread)},
                facts=facts,
            ),
        )
    return render_for_visitors(request, lambda: _thread_page(request, thread, page))


def _slots(request, thread, *, footer: bool = True) -> dict[str, str]:
    """The parts of a thread page that change on every view: a member's saved copy of the
    page has a slot for each (forum/pagecache.py): the view count, the sidebar panels and
    what other apps show under the question (forum/extensions.py). And what they show
    under the thread, unless `footer` is False: a member's saved copy holds it, keyed by
    the rows it shows (forum/extensions.PageRead)."""
    views = ngettext("%(counter)s view", "%(counter)s views", thread.view_count) % {
        "counter": thread.view_count
    }
    panels = extensions.thread_panels(request=request, thread=thread)
    followups = extensions.question_followups(request=request, thread=thread)
    slots = {
        "views": conditional_escape(views),
        "panels": mark_safe("".join(conditional_escape(panel) for panel in panels)),
        "followup": mark_safe("".join(conditional_escape(html) for html in followups)),
    }
    if footer:
        slots["footer"] = _footer(request, thread)
    return slots


def _footer(request, thread) -> str:
    footers = extensions.thread_footers(request=request, thread=thread)
    return mark_safe("".join(conditional_escape(html) for html in footers))


def _thread_page(request, thread, page: int):
    initial = {}
    quote_id = _post_id(request.GET.get("quote", ""))
    if quote_id and request.user.is_authenticated:
        quoted = (
            Post.objects.filter(pk=quote_id, thread=thread, is_hidden=False, deleted_at=None)
            .select_related("author")
            .first()
        )
        if quoted:
            initial["body"] = quote_markdown(quoted.body, author_name=quoted.author.public_name)
    return render_thread(request, thread, form=ReplyForm(initial=initial), page=page)


def render_thread(request, thread, *, form, page: int, partial: str = "", slots=None, facts=None):
    """The thread page (or one of its partials) for this reader, with `form` as the reply box.

    `slots` is the HTML for the view count and the sidebar panels (`_slots`), or the
    placeholders a member's saved copy keeps in their place (forum/pagecache.py)."""
    view = selectors.thread_page(thread=thread, user=request.user, page=page, facts=facts)
    if slots is None:
        slots = _slots(request, thread)
    context = {
        "view": view,
        "thread": thread,
        "form": form,
        "slots": {name: mark_safe(html) for name, html in slots.items()},
    }
    return render(request, f"forum/thread.html{partial}", context)


def render_thread_update(request, thread, *, form=None, page=None):
    """What an htmx action on a thread answers: the thread's body (with `form`, this
    request's reply and its errors, when given) and, out of band, the header's state and
    reply count and the sidebar, from the partials of the full page: nothing on the page
    is left saying what was true before the action."""
    thread.refresh_from_db()
    if page is None:
        page = page_number(request.POST.get("page", "1"))
    return render_thread(
        request, thread, form=form or ReplyForm(), page=page, partial="#thread-update"
    )


def page_number(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:  # "²" passes isdigit(), and int() refuses over 4,300 digits
        return 1


def _post_id(raw: str) -> int | None:
    """A post id from the query string, or None for what cannot be one ("²", 10**30)."""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None


def post_permalink(request, post_id):
    post = access.get_post_for_user(request.user, post_id)
    thread = post.thread
    page = (
        1
        if post.number == 1 or post.pk == thread.accepted_post_id
        else -(-post.number // selectors.POSTS_PER_PAGE)
    )
    suffix = f"?page={page}" if page > 1 else ""
    return redirect(f"{thread.get_absolute_url()}{suffix}#post-{post.pk}")


def post_history(request, post_id):
    post = access.get_post_for_user(request.user, post_id)
    if post.is_deleted and not access.is_moderator(request.user):
        raise Http404
    revisions = list(post.revisions.select_related("editor"))
    return render(
        request,
        "forum/post_history.html",
        {"post": post, "thread": post.thread, "revisions": revisions},
    )
