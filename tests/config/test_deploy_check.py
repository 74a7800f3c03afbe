"""`manage.py check --deploy` is clean with production settings, and they are strict."""

import json

import pytest

# What a production deploy sets (README.md): no debug, a long random key, TLS, its host.
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x7" * 30 + "-production-grade-random-secret-for-the-check",
    "DJANGO_HTTPS": "1",
    "DJANGO_ALLOWED_HOSTS": "example.org",
}


@pytest.fixture
def production(tmp_path):
    return {**PRODUCTION, "HANDOFF_VAR_DIR": str(tmp_path)}


def test_deploy_check_has_no_warnings_with_production_settings(manage, production):
    collected = manage("collectstatic", "--noinput", **production)
    assert collected.returncode == 0, collected.stderr

    result = manage("check", "--deploy", "--fail-level", "WARNING", **production)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_fails_until_collectstatic_has_run(manage, production):
    result = manage("check", "--deploy", **production)

    assert result.returncode != 0
    assert "handoff.E001" in result.stderr
    assert "No static files manifest" in result.stderr
    assert "python manage.py collectstatic --noinput" in result.stderr


def test_migrate_may_run_before_collectstatic(manage, production):
    """The manifest check is a deploy check: a deploy that migrates first is not stopped."""
    assert manage("check", **production).returncode == 0


def test_deploy_check_speaks_up_when_tls_is_off(manage, production):
    """The check above is not vacuous: without TLS the same command fails."""
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **{**production, "DJANGO_HTTPS": "0"}
    )

    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr + result.stdout, warning


def test_production_cookies_and_transport_are_strict(manage, production):
    names = [
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SAMESITE",
        "LANGUAGE_COOKIE_SECURE",
        "LANGUAGE_COOKIE_HTTPONLY",
        "X_FRAME_OPTIONS",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    ]
    script = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {names!r}}}))"
    )

    result = manage("shell", "-c", script, **production)

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        "LANGUAGE_COOKIE_SECURE": True,
        "LANGUAGE_COOKIE_HTTPONLY": True,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin",
    }
