import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_float, env_int, env_list, env_rate
from tests.conftest import settings_from_environment


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("yes", True), ("0", False), ("off", False)]
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("HANDOFF_FLAG", raw)
    assert env_bool("HANDOFF_FLAG") is expected


def test_env_bool_refuses_a_typo(monkeypatch):
    monkeypatch.setenv("HANDOFF_FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="HANDOFF_FLAG"):
        env_bool("HANDOFF_FLAG")


def test_env_int_and_float_refuse_words(monkeypatch):
    monkeypatch.setenv("HANDOFF_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured):
        env_int("HANDOFF_NUMBER", 1)
    with pytest.raises(ImproperlyConfigured):
        env_float("HANDOFF_NUMBER", 1.0)


@pytest.mark.parametrize("raw", ["20/h", "5/10m", "1/d", " 3/s "])
def test_env_rate_reads_a_count_per_period(monkeypatch, raw):
    monkeypatch.setenv("HANDOFF_RATE", raw)
    assert env_rate("HANDOFF_RATE", "1/h") == raw.strip()


@pytest.mark.parametrize("raw", ["20", "20/hour", "0/h", "h/20", "-1/m"])
def test_env_rate_refuses_what_it_cannot_read(monkeypatch, raw):
    monkeypatch.setenv("HANDOFF_RATE", raw)
    with pytest.raises(ImproperlyConfigured, match="HANDOFF_RATE"):
        env_rate("HANDOFF_RATE", "1/h")


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("HANDOFF_HOSTS", " a.example , ,b.example")
    assert env_list("HANDOFF_HOSTS") == ["a.example", "b.example"]


def test_debug_is_off_unless_asked_for(manage, tmp_path):
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG, settings.SESSION_COOKIE_SECURE)",
        HANDOFF_VAR_DIR=str(tmp_path),
    )
    assert result.stdout.split()[-2:] == ["False", "True"], result.stderr


def test_a_bad_debug_value_stops_the_process(manage, tmp_path):
    result = manage("check", DJANGO_DEBUG="maybe", HANDOFF_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "DJANGO_DEBUG" in result.stderr


def test_a_cache_in_one_process_memory_is_refused_with_debug_off():
    with pytest.raises(ImproperlyConfigured, match="shared cache such as redis://"):
        settings_from_environment(
            DJANGO_DEBUG="0", CACHE_URL="locmem://", HANDOFF_SINGLE_PROCESS="0"
        )


@pytest.mark.parametrize(
    "environment",
    [{"DJANGO_DEBUG": "1"}, {"DJANGO_DEBUG": "0", "HANDOFF_SINGLE_PROCESS": "1"}],
    ids=["debug", "single-process"],
)
def test_a_cache_in_one_process_memory_is_allowed_where_one_process_runs(environment):
    deployed = settings_from_environment(
        **{"CACHE_URL": "locmem://", "HANDOFF_SINGLE_PROCESS": "0", **environment}
    )
    assert deployed["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")


def test_the_default_cache_is_shared_by_the_processes_of_one_machine(tmp_path):
    deployed = settings_from_environment(
        DJANGO_DEBUG="0", CACHE_URL="", HANDOFF_SINGLE_PROCESS="0", HANDOFF_VAR_DIR=str(tmp_path)
    )
    assert deployed["CACHES"]["default"]["BACKEND"] == "config.filecache.FileBasedCache"
    assert deployed["CACHES"]["default"]["LOCATION"] == str(tmp_path / "cache")


# --- No side effects at import ----------------------------------------------------------


def test_without_a_secret_key_debug_off_stops_the_process_saying_so(manage, tmp_path):
    result = manage("check", DJANGO_SECRET_KEY="", HANDOFF_VAR_DIR=str(tmp_path))

    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY is not set" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_importing_the_settings_creates_nothing(tmp_path):
    var_dir = tmp_path / "var"

    for debug in ("0", "1"):
        settings_from_environment(
            DJANGO_DEBUG=debug, DJANGO_SECRET_KEY="k" * 50, HANDOFF_VAR_DIR=str(var_dir)
        )

    assert not var_dir.exists()


def test_with_debug_on_a_key_is_needed_from_the_command_not_the_import(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="makes one there"):
        settings_from_environment(
            DJANGO_DEBUG="1", DJANGO_SECRET_KEY="", HANDOFF_VAR_DIR=str(tmp_path / "var")
        )


def test_with_debug_on_manage_py_makes_the_folder_and_a_key_kept_for_the_next_command(
    manage, tmp_path
):
    var_dir = tmp_path / "var"
    show_key = ("shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)")

    first = manage(*show_key, DJANGO_DEBUG="1", DJANGO_SECRET_KEY="", HANDOFF_VAR_DIR=str(var_dir))
    second = manage(*show_key, DJANGO_DEBUG="1", DJANGO_SECRET_KEY="", HANDOFF_VAR_DIR=str(var_dir))

    assert first.returncode == 0, first.stderr
    key = (var_dir / "secret_key").read_text()
    assert len(key) >= 50
    assert first.stdout.split()[-1] == second.stdout.split()[-1] == key
    assert (var_dir / "secret_key").stat().st_mode & 0o077 == 0
    assert (var_dir / "static").is_dir()
