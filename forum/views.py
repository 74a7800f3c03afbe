from django.shortcuts import get_object_or_404, render

from forum.models import Category


def home(request):
    return render(request, "forum/home.html", {"categories": Category.objects.all()})


def category(request, slug):
    category = get_object_or_404(Category, slug=slug)
    return render(request, "forum/category.html", {"category": category})
