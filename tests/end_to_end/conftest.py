"""A loopback Live endpoint per test, pointed at by google-genai, on each
backend that `--backend` names (both by default)."""

import contextlib
import logging

import pytest
import pytest_asyncio

from loopback.endpoint import Backend
from loopback.endpoint import LiveEndpoint

from .live_app import IDLE_CANCEL_AFTER


def pytest_generate_tests(metafunc):
  """Runs each test that uses `backend`, `start_endpoint` among them, once
  per backend."""
  if 'backend' in metafunc.fixturenames:
    chosen = metafunc.config.getoption('--backend') or [
        backend.value for backend in Backend
    ]
    metafunc.parametrize(
        'backend',
        [Backend(value) for value in dict.fromkeys(chosen)],
        ids=lambda backend: backend.value,
    )


@pytest.fixture(autouse=True)
def _log_info(caplog):
  caplog.set_level(logging.INFO, logger='google_adk')


@pytest_asyncio.fixture
async def start_endpoint(monkeypatch, backend):
  """Starts a loopback endpoint on the test's backend and points google-genai
  at it."""
  async with contextlib.AsyncExitStack() as stack:

    async def start(**options) -> LiveEndpoint:
      options.setdefault('idle_cancel_after', IDLE_CANCEL_AFTER)
      options.setdefault('backend', backend)
      endpoint = await stack.enter_async_context(LiveEndpoint(**options))
      for name, value in endpoint.environ.items():
        monkeypatch.setenv(name, value)
      for name in endpoint.environ_unset:
        monkeypatch.delenv(name, raising=False)
      return endpoint

    yield start
