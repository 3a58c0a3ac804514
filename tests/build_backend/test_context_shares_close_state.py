"""Tests for the edit that gives each invocation one owner of its close."""

import ast
import types

import pytest

from livefix import families
from livefix import snippets
from livefix import source
from livefix.edits import context_shares_close_state
from livefix.source import EditError

from .helpers import assert_upstream_style
from .helpers import RELEASES

_ATTRIBUTE = (
    '_live_close_state: _LiveCloseState = PrivateAttr('
    'default_factory=_LiveCloseState)'
)


def _is_private_attr(node: ast.stmt) -> bool:
  return (
      isinstance(node, ast.AnnAssign)
      and isinstance(node.value, ast.Call)
      and ast.unparse(node.value.func) == 'PrivateAttr'
  )


def _close_state_class() -> type:
  """`_LiveCloseState` as `livefix/inserted/` defines it, run on its own."""
  namespace = {}
  code = 'from __future__ import annotations\n' + snippets.definition(
      'invocation_context', '_LiveCloseState'
  )
  exec(
      compile(code, 'livefix/inserted/invocation_context.py', 'exec'), namespace
  )
  return namespace['_LiveCloseState']


@pytest.mark.parametrize('release', RELEASES)
def test_adds_the_state_and_the_private_attribute(release, pristine):
  family = families.family(release)
  before = pristine(release, family.context)

  after = context_shares_close_state.edit(before, family)

  removed, added = source.changed_lines(before, after)
  assert removed == []
  assert_upstream_style(added)
  # Names in annotations stay unevaluated, as the inserted class needs.
  assert 'from __future__ import annotations' in before
  body = ast.parse(after).body
  names = [getattr(node, 'name', None) for node in body]
  at = names.index('InvocationContext')
  assert names[at - 1] == '_LiveCloseState'
  assert snippets.definition('invocation_context', '_LiveCloseState') in after
  context = body[at]
  members = [ast.unparse(node) for node in context.body]
  attribute = members.index(_ATTRIBUTE)
  # After upstream's last private attribute and its docstring, if any.
  private = [i for i, node in enumerate(context.body) if _is_private_attr(node)]
  assert private[-1] == attribute
  previous = private[-2]
  assert attribute - previous in (1, 2)
  if attribute - previous == 2:
    assert isinstance(context.body[previous + 1], ast.Expr)
  docstring = context.body[attribute + 1]
  assert docstring.value.value.startswith("The client's close of the live")
  pristine_context = source.find_class(ast.parse(before), 'InvocationContext')
  assert len(context.body) == len(pristine_context.body) + 2


def test_the_state_counts_closes_made_since_the_invocation_began():
  state = _close_state_class()()
  queue = types.SimpleNamespace(_closes_made=1)
  # Nothing counts before the invocation has begun.
  assert not state.closed(queue)

  state.begin(queue)
  queue._closes_made = 2
  state.begin(queue)  # Only the first agent of the tree counts.

  assert state.closed(queue)
  assert not state.closed(types.SimpleNamespace(_closes_made=1))
  assert not state.close_taken


def test_a_close_made_before_counts_once_it_is_sent():
  state = _close_state_class()()
  queue = types.SimpleNamespace(_closes_made=1)
  state.begin(queue)
  assert not state.closed(queue)

  state.take_close()

  assert state.close_taken
  assert state.closed(queue)


def test_refuses_a_context_that_already_has_it(pristine):
  family = families.family('1.39.1')
  edited = context_shares_close_state.edit(
      pristine('1.39.1', family.context), family
  )

  with pytest.raises(EditError) as refused:
    context_shares_close_state.edit(edited, family)

  assert str(refused.value) == '_LiveCloseState is already defined'


@pytest.mark.parametrize(
    'text, message',
    [
        ('class Other:\n  pass\n', 'no class InvocationContext'),
        (
            'class InvocationContext(BaseModel):\n'
            '  x: int = Field(default=1)\n',
            'InvocationContext has no PrivateAttr attribute',
        ),
    ],
    ids=['no-class', 'no-private-attribute'],
)
def test_fails_loudly_on_unexpected_code(text, message):
  with pytest.raises(EditError) as refused:
    context_shares_close_state.edit(text, families.family('1.39.1'))

  assert str(refused.value) == message
