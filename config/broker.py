"""The embedded broker (filesystem://), with a worker that notices a shutdown at once.

Without asynchronous I/O in the transport, a Celery worker runs its blocking loop
(celery.worker.loops.synloop): it asks for messages with drain_events(timeout=2.0) and
looks for a shutdown only between calls. Ctrl-C in `make run` waited out that call,
then the pool and the timers: four to five seconds, and honcho kills what has not
stopped after five. Here a call waits in short steps and ends early once the worker is
shutting down; anything else that drains (`celery inspect`) still waits its full timeout.
"""

import time
from pathlib import Path

from celery.worker import state as worker_state
from kombu.transport import TRANSPORT_ALIASES
from kombu.transport.filesystem import Channel as FilesystemChannel
from kombu.transport.filesystem import Transport as FilesystemTransport

STEP = 0.2  # seconds


class Channel(FilesystemChannel):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Made on the first connection, by whichever process comes first, rather than by
        # importing the settings.
        for folder in (self.data_folder_in, self.data_folder_out, self.control_folder):
            Path(folder).mkdir(parents=True, exist_ok=True)


class Transport(FilesystemTransport):
    Channel = Channel

    def drain_events(self, connection, timeout=None):
        if not timeout:
            return super().drain_events(connection, timeout=timeout)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                return super().drain_events(connection, timeout=max(min(left, STEP), 0.001))
            except TimeoutError:
                if left <= STEP or _shutting_down():
                    raise


def register() -> None:
    """Make filesystem:// URLs use this transport (config/celery.py, before any connection)."""
    TRANSPORT_ALIASES["filesystem"] = f"{__name__}:Transport"


def _shutting_down() -> bool:
    """Whether this process is a worker told to stop (a warm or a cold shutdown)."""
    return worker_state.should_stop is not None or worker_state.should_terminate is not None
