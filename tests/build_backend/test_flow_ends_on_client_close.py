"""Tests for the edit that ends run_live() on the client's normal close."""

import ast

import pytest

from livefix import source
from livefix.edits import _flow
from livefix.edits import flow_ends_on_client_close
from livefix.edits import flow_helpers
from livefix.source import EditError

from .helpers import assert_upstream_style

PATH = _flow.PATH

# The handlers that meet a normal closure first, by release family: before
# 1.29 google-genai's APIError(1000) falls into `except Exception`.
_GUARDED = {
    '1.20.0': ['(ConnectionClosed, ConnectionClosedOK)', 'Exception'],
    '1.28.1': ['(ConnectionClosed, ConnectionClosedOK)', 'Exception'],
    '1.29.0': ['(ConnectionClosed, ConnectionClosedOK)', 'errors.APIError'],
    '1.36.1': ['(ConnectionClosed, ConnectionClosedOK)', 'errors.APIError'],
    '1.39.1': ['(ConnectionClosed, ConnectionClosedOK)', 'errors.APIError'],
    '2.0.0': ['(ConnectionClosed, ConnectionClosedOK)', 'errors.APIError'],
    '2.8.0': ['(ConnectionClosed, ConnectionClosedOK)', 'errors.APIError'],
}


def _guarded_handlers(text: str) -> list[str]:
  loop = _flow.find_reconnect_loop(ast.parse(text))
  return [
      ast.unparse(handler.type)
      for handler in loop.try_.handlers
      if _flow.IS_NORMAL_CLOSURE in ast.unparse(handler.body[0])
  ]


@pytest.mark.parametrize('release', _GUARDED)
def test_guards_first_handler_of_each_closure(release, pristine):
  before = flow_helpers.edit(pristine(release, PATH))

  after = flow_ends_on_client_close.edit(before)

  removed, added = source.changed_lines(before, after)
  assert removed == []
  assert_upstream_style(added)
  assert _guarded_handlers(after) == _GUARDED[release]
  loop = _flow.find_reconnect_loop(ast.parse(after))
  for handler in loop.try_.handlers:
    guard = handler.body[0]
    if _flow.IS_NORMAL_CLOSURE in ast.unparse(guard):
      # After the client's close: a normal closure returns, the rest raises.
      assert ast.unparse(guard.test) == '_closed_by_client(invocation_context)'
      normal, other = guard.body
      assert ast.unparse(normal.test) == f'_is_normal_closure({handler.name})'
      assert 'closed by the client' in ast.unparse(normal.body[0])
      assert isinstance(normal.body[-1], ast.Return)
      assert isinstance(other, ast.Raise) and other.exc is None


def test_fails_loudly_on_unnamed_handler():
  source = (
      'class BaseLlmFlow:\n'
      '  async def run_live(self, ctx):\n'
      '    while True:\n'
      '      try:\n'
      '        pass\n'
      '      except ConnectionClosed:\n'
      '        raise\n'
  )

  with pytest.raises(EditError, match='does not name its error'):
    flow_ends_on_client_close.edit(source)


def test_fails_loudly_without_reconnect_loop():
  source = 'class BaseLlmFlow:\n  async def run_live(self, ctx):\n    pass\n'

  with pytest.raises(EditError, match='no `while True:` loop'):
    flow_ends_on_client_close.edit(source)


def test_fails_loudly_when_api_error_is_not_caught():
  source = (
      'class BaseLlmFlow:\n'
      '  async def run_live(self, ctx):\n'
      '    while True:\n'
      '      try:\n'
      '        pass\n'
      '      except ConnectionClosed as e:\n'
      '        raise\n'
  )

  with pytest.raises(EditError, match='does not catch APIError'):
    flow_ends_on_client_close.edit(source)
