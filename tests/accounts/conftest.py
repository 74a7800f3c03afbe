import pytest
from django.utils import timezone, translation


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Each persona hashes a password; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_locale_leaks():
    """UserLocaleMiddleware activates a zone and a language for the thread; reset them after."""
    yield
    timezone.deactivate()
    translation.activate("en")
