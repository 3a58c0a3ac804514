"""A loopback Live endpoint per test, pointed at by google-genai."""

import contextlib
import logging

import pytest
import pytest_asyncio

from loopback.endpoint import LiveEndpoint

from .live_app import IDLE_CANCEL_AFTER


@pytest.fixture(autouse=True)
def _log_info(caplog):
  caplog.set_level(logging.INFO, logger='google_adk')


@pytest_asyncio.fixture
async def start_endpoint(monkeypatch):
  """Starts a loopback endpoint and points google-genai at it."""
  async with contextlib.AsyncExitStack() as stack:

    async def start(**options) -> LiveEndpoint:
      options.setdefault('idle_cancel_after', IDLE_CANCEL_AFTER)
      endpoint = await stack.enter_async_context(LiveEndpoint(**options))
      for name, value in endpoint.environ.items():
        monkeypatch.setenv(name, value)
      return endpoint

    yield start
