"""Tests for the edit that records the close the send loop sends."""

import ast

import pytest

from livefix import families
from livefix import source
from livefix.edits import _flow
from livefix.edits import flow_send_records_close
from livefix.source import EditError

from .helpers import assert_upstream_style
from .helpers import RELEASES


def _close_checks(text: str, family: families.Family) -> list[ast.If]:
  return [
      node
      for node in ast.walk(_flow.find_function(ast.parse(text), family.send))
      if isinstance(node, ast.If)
      and ast.unparse(node.test) == 'live_request.close'
  ]


@pytest.mark.parametrize('release', RELEASES)
def test_records_the_close_before_closing_the_connection(release, pristine):
  family = families.family(release)
  before = pristine(release, family.flow)

  after = flow_send_records_close.edit(before, family)

  removed, added = source.changed_lines(before, after)
  assert removed == []
  assert_upstream_style(added)
  assert [line.strip() for line in added] == [
      'invocation_context._live_close_state.take_close()'
  ]
  [check] = _close_checks(after, family)
  assert [ast.unparse(statement) for statement in check.body] == [
      'invocation_context._live_close_state.take_close()',
      'await llm_connection.close()',
      'return',
  ]


@pytest.mark.parametrize(
    'release, text, message',
    [
        (
            '1.39.1',
            'class BaseLlmFlow:\n'
            '  async def _send_to_model(self, conn, invocation_context):\n'
            '    await conn.send(1)\n',
            'BaseLlmFlow._send_to_model() does not check one request for'
            ' `.close` (found 0)',
        ),
        (
            '2.13.0',
            'async def send_to_model(conn, invocation_context):\n'
            '  if request.close:\n'
            '    return\n'
            '  if other.close:\n'
            '    return\n',
            'send_to_model() does not check one request for `.close` (found'
            ' 2)',
        ),
        (
            '2.13.0',
            'async def send_to_model(conn, context):\n'
            '  if request.close:\n'
            '    return\n',
            'send_to_model() takes no `invocation_context`',
        ),
    ],
    ids=['no-check', 'two-checks', 'no-context'],
)
def test_fails_loudly_on_unexpected_code(release, text, message):
  with pytest.raises(EditError) as refused:
    flow_send_records_close.edit(text, families.family(release))

  assert str(refused.value) == message
