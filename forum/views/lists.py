import re

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from forum import selectors, services
from forum.forms import SearchForm
from forum.models import Category, Thread
from forum.pagecache import render_for_visitors

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


def search(request):
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    threads: list[Thread] = []
    if query:
        threads = selectors.search_threads(user=request.user, query=query)
    return render(request, "forum/search.html", {"form": form, "query": query, "threads": threads})


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
        services.follow_category(actor=request.user, category=category)
    else:
        services.unfollow_category(actor=request.user, category=category)
    if request.htmx:
        return render(
            request,
            "forum/category.html#follow-category",
            {"category": category, "is_following": is_following},
        )
    return redirect(category)
