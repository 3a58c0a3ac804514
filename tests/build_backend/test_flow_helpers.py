"""Tests for the edit that adds the guards' helpers to base_llm_flow."""

import ast
import types

from google.genai import errors
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.exceptions import ConnectionClosedError
from websockets.exceptions import ConnectionClosedOK
from websockets.frames import Close

from livefix import source
from livefix.edits import _flow
from livefix.edits import flow_helpers
from livefix.source import EditError

from .helpers import assert_upstream_style
from .helpers import RELEASES

PATH = flow_helpers.PATH
_HELPERS = [_flow.IS_NORMAL_CLOSURE, _flow.CLOSED_BY_CLIENT, _flow.CLOSE_TAKEN]


def _inserted_helpers(text: str) -> dict:
  """The helpers as the edit inserted them, run on their own."""
  inserted = [
      node
      for node in ast.parse(text).body
      if getattr(node, 'name', None) in _HELPERS
      or ast.unparse(node).startswith('_NORMAL_CLOSURE_CODES =')
  ]
  namespace = {
      'ConnectionClosed': ConnectionClosed,
      'ConnectionClosedOK': ConnectionClosedOK,
      'InvocationContext': object,
  }
  exec(compile(ast.Module(inserted, []), PATH, 'exec'), namespace)
  return namespace


@pytest.mark.parametrize('release', RELEASES)
def test_inserts_helpers_before_flow_class(release, pristine):
  before = pristine(release, PATH)

  after = flow_helpers.edit(before)

  removed, added = source.changed_lines(before, after)
  assert removed == []
  assert_upstream_style(added)
  names = [getattr(node, 'name', None) for node in ast.parse(after).body]
  at = names.index(_HELPERS[0])
  assert names[at : at + 4] == _HELPERS + ['BaseLlmFlow']


@pytest.mark.parametrize(
    'error, normal',
    [
        (ConnectionClosedOK(Close(1000, ''), Close(1000, ''), True), True),
        (ConnectionClosedOK(Close(1001, ''), Close(1001, ''), True), True),
        (ConnectionClosed(Close(1000, ''), None), True),
        (ConnectionClosed(Close(1001, ''), None), True),
        (ConnectionClosed(Close(1005, ''), None), True),
        (ConnectionClosedError(Close(1011, 'cancelled'), None), False),
        (ConnectionClosedError(None, None), False),
        (errors.APIError(1000, {'message': 'closed'}), True),
        (errors.APIError(1001, {'message': 'going away'}), True),
        (errors.APIError(1005, {'message': 'no status'}), True),
        (errors.APIError(1006, {'message': 'abnormal'}), False),
        (errors.APIError(1011, {'message': 'cancelled'}), False),
        (RuntimeError('other'), False),
    ],
)
def test_tells_a_normal_closure(error, normal, pristine):
  helpers = _inserted_helpers(flow_helpers.edit(pristine('1.39.1', PATH)))

  assert helpers[_flow.IS_NORMAL_CLOSURE](error) is normal


@pytest.mark.parametrize(
    'helper, method',
    [
        (_flow.CLOSED_BY_CLIENT, 'closed_for'),
        (_flow.CLOSE_TAKEN, 'close_taken_for'),
    ],
)
def test_asks_the_queue_about_the_running_invocation(helper, method, pristine):
  helpers = _inserted_helpers(flow_helpers.edit(pristine('1.39.1', PATH)))
  asked = []
  queue = types.SimpleNamespace(**{method: lambda i: asked.append(i) or True})
  context = types.SimpleNamespace(live_request_queue=queue, invocation_id='e')

  assert helpers[helper](context) is True
  assert asked == ['e']


def test_refuses_helpers_already_there(pristine):
  edited = flow_helpers.edit(pristine('1.39.1', PATH))

  with pytest.raises(EditError, match='already defined'):
    flow_helpers.edit(edited)


def test_fails_loudly_without_websockets_imports():
  with pytest.raises(EditError, match='not imported from websockets'):
    flow_helpers.edit('class BaseLlmFlow:\n  pass\n')
