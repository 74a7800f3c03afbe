from django.http import HttpResponse
from django.urls import path

BODY = b"Handoff benchmark ceiling: 50 bytes of text......\n"
assert len(BODY) == 50


def ceiling(request):
    return HttpResponse(BODY, content_type="text/plain")


urlpatterns = [path("", ceiling)]
