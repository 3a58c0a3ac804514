"""Tests for the edit that ends the live run on the client's normal close."""

import ast

import pytest

from livefix import families
from livefix import releases
from livefix import source
from livefix.edits import _flow
from livefix.edits import flow_ends_on_client_close
from livefix.edits import flow_helpers
from livefix.source import EditError

from .helpers import assert_upstream_style
from .helpers import logs_the_end
from .helpers import RELEASES
from .helpers import snippet_statements

# The handlers that meet a closure first: before 1.29 google-genai's
# APIError(1000) falls into `except Exception`, and no handler reconnects.
_NEVER_RECONNECT = ['(ConnectionClosed, ConnectionClosedOK)', 'Exception']
# From 1.29 both handlers that meet a closure can reconnect (`continue`).
_RECONNECT = ['(ConnectionClosed, ConnectionClosedOK)', 'errors.APIError']
_CLIENT_CLOSED = 'client_closed = _closed_by_client(invocation_context)'


def _reconnects(release: str) -> bool:
  return releases.release_key(release) >= releases.release_key('1.29.0')


def _has_client_closed(release: str) -> bool:
  return releases.release_key(release) >= releases.release_key('2.9.0')


def _client_closed(text: str, family: families.Family) -> list[ast.Assign]:
  """Upstream's own `client_closed = ...` (2.9 on) in the reconnect loop."""
  return [
      node
      for node in ast.walk(_flow.find_reconnect_loop(ast.parse(text), family))
      if isinstance(node, ast.Assign)
      and ast.unparse(node.targets[0]) == 'client_closed'
  ]


def _is_guard(statement: ast.stmt) -> bool:
  return '_closed_by_client(invocation_context)' in ast.unparse(statement)


def _assert_ends_quietly(tree: ast.Module, branch: ast.If) -> None:
  """`branch` logs the end of the session at INFO and returns."""
  assert logs_the_end(tree, branch)
  assert isinstance(branch.body[-1], ast.Return)
  assert branch.body[-1].value is None and branch.orelse == []


def _assert_reconnecting_guard(tree: ast.Module, guard: ast.stmt) -> None:
  """After the client's close: a normal closure returns, the rest raises."""
  assert [ast.unparse(guard)] == snippet_statements('at_reconnecting_handler')
  assert ast.unparse(guard.test) == '_closed_by_client(invocation_context)'
  normal, other = guard.body
  assert ast.unparse(normal.test) == '_is_normal_closure(e)'
  _assert_ends_quietly(tree, normal)
  assert isinstance(other, ast.Raise) and other.exc is None
  assert guard.orelse == []


def _assert_other_guard(tree: ast.Module, guard: ast.stmt) -> None:
  """A normal closure after the client's close returns; the rest goes on."""
  assert [ast.unparse(guard)] == snippet_statements('at_other_handler')
  assert ast.unparse(guard.test) == (
      '_is_normal_closure(e) and _closed_by_client(invocation_context)'
  )
  _assert_ends_quietly(tree, guard)


@pytest.mark.parametrize('release', RELEASES)
def test_guards_first_handler_of_each_closure(release, pristine):
  family = families.family(release)
  # The helpers the guards call come first, as in the fix.
  before = flow_helpers.edit(pristine(release, family.flow), family)

  after = flow_ends_on_client_close.edit(before, family)

  removed, added = source.changed_lines(before, after)
  # Nothing but upstream's `client_closed = ...`, where there is one.
  lines = before.splitlines()
  assert removed == [
      line
      for node in _client_closed(before, family)
      for line in lines[node.lineno - 1 : node.end_lineno]
  ]
  assert_upstream_style(added)
  tree = ast.parse(after)
  handlers = _flow.find_reconnect_loop(tree, family).body[0].handlers
  guarded = [h for h in handlers if _is_guard(h.body[0])]
  assert [ast.unparse(h.type) for h in guarded] == (
      _RECONNECT if _reconnects(release) else _NEVER_RECONNECT
  )
  for handler in guarded:
    assert handler.name == 'e'
    if _reconnects(release):
      _assert_reconnecting_guard(tree, handler.body[0])
    else:
      _assert_other_guard(tree, handler.body[0])
  # The guard comes first; what upstream does follows it unchanged.
  pristine_handlers = (
      _flow.find_reconnect_loop(ast.parse(before), family).body[0].handlers
  )
  for old, new in zip(pristine_handlers, handlers):
    kept = new.body[1:] if new in guarded else new.body
    assert len(kept) == len(old.body)


@pytest.mark.parametrize('release', RELEASES)
def test_upstream_client_closed_asks_this_invocation(release, pristine):
  family = families.family(release)
  before = pristine(release, family.flow)

  after = flow_ends_on_client_close.edit(before, family)

  upstream = _client_closed(before, family)
  assert len(upstream) == (2 if _has_client_closed(release) else 0)
  # Upstream reads the queue's sticky `closed`: closed ever, not in this run.
  for node in upstream:
    assert '.live_request_queue.closed' in ast.unparse(node.value)
  edited = _client_closed(after, family)
  assert [ast.unparse(node) for node in edited] == len(upstream) * [
      _CLIENT_CLOSED
  ]
  assert '.live_request_queue.closed' not in after


def test_guard_shape_follows_whether_the_handler_reconnects():
  text = (
      'async def run_live_flow(invocation_context):\n'
      '  while True:\n'
      '    try:\n'
      '      pass\n'
      '    except (ConnectionClosed, ConnectionClosedOK) as e:\n'
      '      if invocation_context.live_session_resumption_handle:\n'
      '        continue\n'
      '      raise\n'
      '    except Exception as e:\n'
      '      raise\n'
  )

  after = flow_ends_on_client_close.edit(text, families.family('2.13.0'))

  closed, other = (
      _flow.find_reconnect_loop(ast.parse(after), families.family('2.13.0'))
      .body[0]
      .handlers
  )
  assert [ast.unparse(closed.body[0])] == snippet_statements(
      'at_reconnecting_handler'
  )
  assert [ast.unparse(other.body[0])] == snippet_statements('at_other_handler')
  assert ast.unparse(closed.body[1].test) == (
      'invocation_context.live_session_resumption_handle'
  )
  assert isinstance(other.body[1], ast.Raise)


def test_a_handler_that_catches_nothing_new_is_left_alone():
  text = (
      'async def run_live_flow(invocation_context):\n'
      '  while True:\n'
      '    try:\n'
      '      pass\n'
      '    except ConnectionClosed as e:\n'
      '      raise\n'
      '    except ConnectionClosedOK as e:\n'
      '      raise\n'
      '    except APIError as e:\n'
      '      raise\n'
  )

  after = flow_ends_on_client_close.edit(text, families.family('2.13.0'))

  handlers = (
      _flow.find_reconnect_loop(ast.parse(after), families.family('2.13.0'))
      .body[0]
      .handlers
  )
  # ConnectionClosed already covers ConnectionClosedOK.
  assert [_is_guard(h.body[0]) for h in handlers] == [True, False, True]


@pytest.mark.parametrize(
    'release, text, message',
    [
        (
            '1.39.1',
            'class BaseLlmFlow:\n'
            '  async def run_live(self, invocation_context):\n'
            '    while True:\n'
            '      try:\n'
            '        pass\n'
            '      except ConnectionClosed:\n'
            '        raise\n'
            '      except Exception as e:\n'
            '        raise\n',
            '`except ConnectionClosed:` in BaseLlmFlow.run_live() does not'
            ' name its error `e`',
        ),
        (
            '1.39.1',
            'class BaseLlmFlow:\n'
            '  async def run_live(self, invocation_context):\n'
            '    pass\n',
            'BaseLlmFlow.run_live() has no `while True:` loop around a `try`'
            ' that handles ConnectionClosed',
        ),
        (
            '1.39.1',
            'class BaseLlmFlow:\n'
            '  async def run_live(self, invocation_context):\n'
            '    while True:\n'
            '      try:\n'
            '        pass\n'
            '      except ConnectionClosed as e:\n'
            '        raise\n',
            'BaseLlmFlow.run_live() does not catch APIError',
        ),
        (
            '2.13.0',
            'async def run_live_flow(invocation_context):\n'
            '  while True:\n'
            '    try:\n'
            '      pass\n'
            '    except ConnectionClosedOK as e:\n'
            '      raise\n'
            '    except errors.APIError as e:\n'
            '      raise\n',
            'run_live_flow() does not catch ConnectionClosed',
        ),
    ],
    ids=['unnamed-handler', 'no-loop', 'no-api-error', 'no-connection-closed'],
)
def test_fails_loudly_on_unexpected_code(release, text, message):
  with pytest.raises(EditError) as refused:
    flow_ends_on_client_close.edit(text, families.family(release))

  assert str(refused.value) == message
