"""`make run` as a developer meets it: quiet request logs, a worker that stops on Ctrl-C."""

import logging
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from honcho.manager import KILL_WAIT

from config.logging_filters import SkipStaticRequests

ROOT = Path(__file__).resolve().parents[2]


def server_record(request_line: str, status: str) -> logging.LogRecord:
    """A line as runserver's WSGIRequestHandler.log_message logs it."""
    return logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        (request_line, status, "512"),
        None,
    )


@pytest.mark.parametrize(
    ("request_line", "status", "kept"),
    [
        ("GET /static/css/site.css HTTP/1.1", "200", False),
        ("GET /static/js/htmx.min.js HTTP/1.1", "304", False),
        ("GET /favicon.ico HTTP/1.1", "302", False),
        ("GET /static/css/missing.css HTTP/1.1", "404", True),
        ("GET / HTTP/1.1", "200", True),
        ("POST /ask/ HTTP/1.1", "302", True),
    ],
)
def test_the_dev_server_logs_pages_and_failures_not_static_files(request_line, status, kept):
    assert SkipStaticRequests().filter(server_record(request_line, status)) is kept


def test_the_dev_server_logger_uses_the_filter(settings):
    assert settings.LOGGING["loggers"]["django.server"]["filters"] == ["skip_static_requests"]


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def test_the_web_process_listens_on_the_port_make_run_gives_it():
    assert procfile()["web"].endswith("runserver 127.0.0.1:$PORT")


def test_the_worker_stops_within_honchos_grace_period(tmp_path):
    """honcho sends SIGTERM on Ctrl-C and SIGKILL KILL_WAIT (5) seconds later."""
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "HANDOFF_VAR_DIR": str(tmp_path),
        "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}",
        "PORT": "5100",
    }
    env.pop("CELERY_BROKER_URL", None)  # the embedded broker that make run uses
    worker = subprocess.Popen(
        ["sh", "-c", procfile()["worker"]],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # as honcho starts it: signals go to its group
    )
    try:
        deadline = time.monotonic() + 60
        for line in worker.stdout:
            if " ready." in line or time.monotonic() > deadline:
                break
        started = time.monotonic()
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
        took = time.monotonic() - started
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
    assert worker.returncode == 0
    assert took < KILL_WAIT - 1
