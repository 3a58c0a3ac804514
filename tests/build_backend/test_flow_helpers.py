"""Tests for the edit that adds the guards' helpers to the live flow module."""

import ast
import logging
import pathlib
import types

from google.genai import errors
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.exceptions import ConnectionClosedError
from websockets.exceptions import ConnectionClosedOK
from websockets.frames import Close

from livefix import families
from livefix import snippets
from livefix import source
from livefix.edits import _flow
from livefix.edits import flow_hand_over_ends_at_close
from livefix.edits import flow_helpers
from livefix.source import EditError

from .helpers import assert_upstream_style
from .helpers import RELEASES

_HELPERS = snippets.helper_names(_flow.MODULE)
_INSERTED = pathlib.Path(snippets.__file__).with_name('inserted')


def _name(node: ast.stmt) -> str | None:
  if isinstance(node, ast.Assign):
    return ast.unparse(node.targets[0])
  return getattr(node, 'name', None)


def _owners(family: families.Family) -> set[str]:
  """The module-level names that hold the live run, send and receive."""
  return {
      function.cls or function.name
      for function in (family.run_live, family.send, family.receive)
  }


def _helpers(widened: bool = True) -> dict:
  """The helpers as `livefix/inserted/` defines them, run on their own; with
  the normal closures widened, as the whole fix has them."""
  namespace = {
      'ConnectionClosed': ConnectionClosed,
      'ConnectionClosedOK': ConnectionClosedOK,
      'logger': logging.getLogger(__name__),
  }
  for name in _HELPERS:
    code = 'from __future__ import annotations\n' + snippets.definition(
        _flow.MODULE, name
    )
    exec(compile(code, f'livefix/inserted/{name}', 'exec'), namespace)
  if widened:
    exec(
        snippets.definition(
            'live_flow_normal_closures', '_NORMAL_CLOSURE_CODES'
        ),
        namespace,
    )
  return namespace


def _private_names(code: str) -> set[str]:
  return {
      node.id
      for node in ast.walk(ast.parse(code))
      if isinstance(node, ast.Name) and node.id.startswith('_')
  }


def test_inserts_the_helpers_the_guards_call():
  module = ast.parse((_INSERTED / f'{_flow.MODULE}.py').read_text())
  guards = [
      node.name
      for node in module.body
      if getattr(node, 'name', '').startswith('at_')
  ]
  called = set().union(
      *(
          _private_names(snippets.snippet(_flow.MODULE, name))
          for name in guards
      ),
      *(
          _private_names(snippets.definition(_flow.MODULE, name))
          for name in _HELPERS
      ),
  )

  assert {'_is_normal_closure', '_closed_by_client'} <= called
  # The hand-over's pause is called where the edit puts it instead of sleep.
  assert called | {flow_hand_over_ends_at_close.PAUSE} == set(_HELPERS)


@pytest.mark.parametrize('release', RELEASES)
def test_inserts_helpers_before_the_live_functions(release, pristine):
  family = families.family(release)
  before = pristine(release, family.flow)

  after = flow_helpers.edit(before, family)

  removed, added = source.changed_lines(before, after)
  assert removed == []
  assert_upstream_style(added)
  assert (
      '\n\n'.join(snippets.definition(_flow.MODULE, name) for name in _HELPERS)
      in after
  )
  names = [_name(node) for node in ast.parse(after).body]
  at = names.index(_HELPERS[0])
  assert names[at : at + len(_HELPERS)] == _HELPERS
  # Ahead of the first of the live run, send and receive, after the rest.
  assert names[at + len(_HELPERS)] in _owners(family)
  assert not _owners(family) & set(names[:at])
  pristine_names = [_name(node) for node in ast.parse(before).body]
  assert [n for n in names if n not in _HELPERS] == pristine_names


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
def test_tells_a_normal_closure(error, normal):
  assert _helpers()['_is_normal_closure'](error) is normal


@pytest.mark.parametrize(
    'error',
    [
        ConnectionClosed(Close(1001, ''), None),
        ConnectionClosed(Close(1005, ''), None),
        errors.APIError(1001, {'message': 'going away'}),
        errors.APIError(1005, {'message': 'no status'}),
    ],
)
def test_before_the_widening_only_what_upstream_counts_is_normal(error):
  helpers = _helpers(widened=False)

  assert helpers['_is_normal_closure'](error) is False
  assert helpers['_is_normal_closure'](errors.APIError(1000, {})) is True


@pytest.mark.parametrize('close_taken', [True, False])
def test_asks_the_invocation_about_the_close(close_taken):
  helpers = _helpers()
  asked = []
  queue = object()
  state = types.SimpleNamespace(
      closed=lambda q: asked.append(q) or True, close_taken=close_taken
  )
  context = types.SimpleNamespace(
      live_request_queue=queue, _live_close_state=state
  )

  assert helpers['_closed_by_client'](context) is True
  assert asked == [queue]
  assert helpers['_client_close_taken'](context) is close_taken


def test_refuses_helpers_already_there(pristine):
  family = families.family('1.39.1')
  edited = flow_helpers.edit(pristine('1.39.1', family.flow), family)
  with pytest.raises(EditError) as refused:
    flow_helpers.edit(edited, family)

  # Every helper, the constant among them, is named.
  assert str(refused.value) == f'{", ".join(sorted(_HELPERS))} already defined'


@pytest.mark.parametrize(
    'text, message',
    [
        (
            'class BaseLlmFlow:\n  pass\n',
            'ConnectionClosed, ConnectionClosedOK not imported from'
            ' websockets.exceptions',
        ),
        (
            'from websockets.exceptions import ConnectionClosed\n'
            'from websockets.exceptions import ConnectionClosedOK\n'
            'class BaseLlmFlow:\n  pass\n',
            'InvocationContext is not imported',
        ),
        (
            'from websockets.exceptions import ConnectionClosed\n'
            'from websockets.exceptions import ConnectionClosedOK\n'
            'from ...agents.invocation_context import InvocationContext\n'
            'class BaseLlmFlow:\n  pass\n',
            'no method BaseLlmFlow.run_live()',
        ),
    ],
    ids=['no-websockets', 'no-invocation-context', 'no-run-live'],
)
def test_fails_loudly_on_unexpected_code(text, message):
  with pytest.raises(EditError) as refused:
    flow_helpers.edit(text, families.family('1.39.1'))

  assert str(refused.value) == message
