import re
from datetime import datetime, time, timedelta
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from forum import extensions, selectors
from forum import search as forum_search
from forum.forms import SearchForm
from forum.models import Category
from forum.pagecache import render_for_visitors
from forum.services import following

_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def home(request):
    return render_for_visitors(
        request, lambda: render(request, "forum/home.html", selectors.home_page(user=request.user))
    )


def category(request, slug):
    tab = request.GET.get("tab", "latest")
    sort = request.GET.get("sort", "activity")
    if tab not in selectors.TABS or sort not in selectors.SORTS:
        raise Http404
    if tab in selectors.MEMBER_TABS and not request.user.is_authenticated:
        tab = "latest"
    # The category is looked up when the page is rendered: a visitor's copy of the page
    # (at most VISITOR_PAGE_CACHE_SECONDS old) is proof enough that it exists.
    return render_for_visitors(request, lambda: _category_page(request, slug, tab, sort))


def _category_page(request, slug, tab, sort):
    category = get_object_or_404(Category, slug=slug)
    page = selectors.category_threads(
        category=category,
        user=request.user,
        tab=tab,
        sort=sort,
        after=request.GET.get("after", "")[:200],
        before=request.GET.get("before", "")[:200],
    )
    context = {
        "category": category,
        "tab": tab,
        "sort": sort,
        "page": page,
        "tabs": _tabs(request),
        "is_following": request.user.is_authenticated
        and category.follows.filter(user=request.user).exists(),
    }
    template = "forum/category.html#thread-list" if request.htmx else "forum/category.html"
    return render(request, template, context)


def _tabs(request):
    tabs = [tab for tab in selectors.TABS if tab not in selectors.MEMBER_TABS]
    if request.user.is_authenticated:
        tabs += list(selectors.MEMBER_TABS)
    return tabs


SEARCH_RESULTS_PER_PAGE = 20


def search(request):
    form = SearchForm(request.GET)
    form.is_valid()  # what does not validate is left out of cleaned_data, and so ignored
    data = form.cleaned_data
    query = data.get("q", "")
    categories = list(Category.objects.all())
    category = next((c for c in categories if c.slug == data.get("category")), None)
    page = data.get("page") or 1
    results = None
    if query:
        results = forum_search.search(
            query,
            user=request.user,
            filters=_search_filters(data, category),
            limit=SEARCH_RESULTS_PER_PAGE,
            offset=(page - 1) * SEARCH_RESULTS_PER_PAGE,
        )
    sections = ""
    if results is not None and page == 1:
        found = extensions.search_sections(request=request, query=results.query)
        sections = mark_safe("".join(conditional_escape(html) for html in found))
    kept = {
        name: request.GET[name]
        for name in ("q", "category", "solved", "staff", "since", "until")
        if data.get(name)
    }
    context = {
        "form": form,
        "query": query,
        "results": results,
        "sections": sections,
        "categories": categories,
        "category": category,
        "page": page,
        "previous_url": f"?{urlencode({**kept, 'page': page - 1})}",
        "next_url": f"?{urlencode({**kept, 'page': page + 1})}",
    }
    return render(request, "forum/search.html", context)


def _search_filters(data: dict, category: Category | None) -> forum_search.Filters:
    """Dates are the viewer's: "until" includes the whole of that day. A date outside
    1900-2999 bounds nothing (and would overflow in the conversion to UTC)."""
    zone = timezone.get_current_timezone()

    def start_of(day, *, days_later=0):
        if day is None or not 1900 <= day.year <= 2999:
            return None
        return datetime.combine(day + timedelta(days=days_later), time.min, tzinfo=zone)

    return forum_search.Filters(
        category_id=category.pk if category else None,
        is_solved={"yes": True, "no": False}.get(data.get("solved") or ""),
        is_staff_answered=bool(data.get("staff")),
        asked_since=start_of(data.get("since")),
        asked_before=start_of(data.get("until"), days_later=1),
    )


@cache_control(max_age=300, public=True)
@require_GET
def category_colours(request):
    """Category colours as CSS custom properties: no inline styles, so the CSP can forbid them."""
    rules = [
        f".category-{pk} {{ --category-colour: {colour}; }}"
        for pk, colour in Category.objects.values_list("pk", "colour")
        if _HEX_COLOUR.fullmatch(colour)
    ]
    return HttpResponse("\n".join(rules) + "\n", content_type="text/css; charset=utf-8")


@require_POST
@login_required
def follow_category(request, slug):
    category = get_object_or_404(Category, slug=slug)
    is_following = request.POST.get("undo") != "1"
    if is_following:
        following.follow_category(actor=request.user, category=category)
    else:
        following.unfollow_category(actor=request.user, category=category)
    if request.htmx:
        return render(
            request,
            "forum/category.html#follow-category",
            {"category": category, "is_following": is_following},
        )
    return redirect(category)
