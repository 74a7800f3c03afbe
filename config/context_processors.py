from django.conf import settings


def site(request):
    contact = settings.SUPPORT_CONTACT
    return {
        "SITE_NAME": settings.SITE_NAME,
        # HANDOFF_SUPPORT_CONTACT, and the link to it: an address to write to, or a page.
        "SUPPORT_CONTACT": contact,
        "SUPPORT_CONTACT_URL": contact if "://" in contact else f"mailto:{contact}",
    }
