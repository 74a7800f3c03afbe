"""Refuse NUL bytes at the door, before any view or query sees them.

No text a person types contains a NUL, and PostgreSQL cannot store or even compare one:
a lookup with it raises DataError, a 500 on whichever page forgot to check. So a request
whose path, query string or form values contain one is answered 400 here, with the
site's page for malformed requests, and a cookie carrying one is treated as absent (a
session key is looked up in the database).
"""

from django.shortcuts import render
from django.utils import translation

NUL = "\x00"


class RejectNulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name in [name for name, value in request.COOKIES.items() if NUL in name + value]:
            del request.COOKIES[name]
        if has_nul(request):
            return bad_request(request)
        return self.get_response(request)


def has_nul(request) -> bool:
    if NUL in request.path:
        return True
    data = [request.GET]
    if request.method == "POST":
        data.append(request.POST)  # already parsed by the CSRF check that runs next
    return any(
        NUL in key or any(NUL in value for value in values)
        for querydict in data
        for key, values in querydict.lists()
    )


def bad_request(request):
    """The site's 400 page, in the visitor's language (the locale middleware runs later)."""
    with translation.override(translation.get_language_from_request(request)):
        return render(request, "400.html", {"reason": "nul"}, status=400)
