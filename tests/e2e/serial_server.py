"""A live server that answers one request at a time, for journeys whose requests write at the same moment.

Import ``live_server`` from here into a test module to use it there instead of the conftest's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="module")
def live_server(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The live server answering one request at a time (the conftest's answers each in its own thread).

    The test database is SQLite in memory, and every thread of the live server uses the test's one
    connection to it: two requests at once (the desk page's three scans, a webhook beside the browser's
    return) interleave their transactions on it and fail with "database table is locked". A browser
    loads the scans one after another here instead; Django closes each connection after its answer,
    so no keep-alive connection holds the server.
    """
    from django.core.servers.basehttp import WSGIServer
    from django.test.testcases import LiveServerThread
    from django.test.utils import override_settings
    from pytest_django.live_server_helper import LiveServer

    class SerialServer(WSGIServer):
        def __init__(self, *args, connections_override=None, **kwargs):
            super().__init__(*args, **kwargs)  # the server's thread already uses the test's connection

    class SerialServerThread(LiveServerThread):
        server_class = SerialServer

    with override_settings(MEDIA_URL="http://media.invalid/"):  # as the conftest's: no media handler
        server = LiveServer("localhost", start=False)
        server.thread.__class__ = SerialServerThread
        server.start()
    yield server
    server.stop()
