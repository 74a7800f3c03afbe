from django.http import Http404
from django.shortcuts import get_object_or_404, render

from forum import selectors
from forum.forms import SearchForm
from forum.models import Category, Thread


def home(request):
    return render(request, "forum/home.html", selectors.home_page(user=request.user))


def category(request, slug):
    category = get_object_or_404(Category, slug=slug)
    tab = request.GET.get("tab", "latest")
    sort = request.GET.get("sort", "activity")
    if tab not in selectors.TABS or sort not in selectors.SORTS:
        raise Http404
    if tab in selectors.MEMBER_TABS and not request.user.is_authenticated:
        tab = "latest"
    page = selectors.category_threads(
        category=category,
        user=request.user,
        tab=tab,
        sort=sort,
        after=request.GET.get("after", "")[:200],
        before=request.GET.get("before", "")[:200],
    )
    context = {"category": category, "tab": tab, "sort": sort, "page": page, "tabs": _tabs(request)}
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
