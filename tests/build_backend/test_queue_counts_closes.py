"""Tests for the edit that makes LiveRequestQueue count its close requests."""

import ast
import asyncio
import sys
import types

import pytest

from livefix import families
from livefix import releases
from livefix import source
from livefix.edits import queue_counts_closes
from livefix.source import EditError

from .helpers import assert_upstream_style
from .helpers import RELEASES

_COUNT = 'self._closes_made += 1'


def _has_closed(release: str) -> bool:
  """From 2.9 upstream's queue has a sticky `closed`, set in send() too."""
  return releases.release_key(release) >= releases.release_key('2.9.0')


def _methods(text: str) -> dict[str, ast.FunctionDef]:
  queue = source.find_class(ast.parse(text), 'LiveRequestQueue')
  return {
      node.name: node
      for node in queue.body
      if isinstance(node, ast.FunctionDef)
  }


def _code(statements: list[ast.stmt]) -> list[str]:
  """The statements after a docstring."""
  if isinstance(statements[0], ast.Expr) and isinstance(
      statements[0].value, ast.Constant
  ):
    statements = statements[1:]
  return [ast.unparse(statement) for statement in statements]


def _close_checks(send: ast.FunctionDef) -> list[ast.If]:
  return [
      node
      for node in send.body
      if isinstance(node, ast.If) and ast.unparse(node.test) == 'req.close'
  ]


@pytest.mark.parametrize('release', RELEASES)
def test_counts_each_close_request(release, pristine):
  family = families.family(release)
  before = pristine(release, family.queue)

  after = queue_counts_closes.edit(before, family)

  removed, added = source.changed_lines(before, after)
  assert removed == []
  assert_upstream_style(added)
  old, new = _methods(before), _methods(after)
  # The count starts as a class attribute, just before __init__().
  queue = source.find_class(ast.parse(after), 'LiveRequestQueue')
  init = [getattr(node, 'name', None) for node in queue.body].index('__init__')
  assert ast.unparse(queue.body[init - 1]) == '_closes_made = 0'
  assert _code(new['close'].body) == [_COUNT] + _code(old['close'].body)
  if _has_closed(release):
    # First in send()'s own `if req.close:`; upstream's `closed` stays.
    [check], [old_check] = (_close_checks(m['send']) for m in (new, old))
    assert _code(check.body) == [_COUNT] + _code(old_check.body)
    assert len(new['send'].body) == len(old['send'].body)
    assert 'closed' in old
  else:
    assert _code(new['send'].body) == [
        f'if isinstance(req, LiveRequest) and req.close:\n    {_COUNT}'
    ] + _code(old['send'].body)
    assert 'closed' not in old
    assert [ast.unparse(d) for d in new['closed'].decorator_list] == [
        'property'
    ]
    assert _code(new['closed'].body) == ['return self._closes_made > 0']
  # Every other method is upstream's.
  for name in set(old) - {'close', 'send'}:
    assert ast.dump(new[name]) == ast.dump(old[name]), name


@pytest.mark.parametrize('release', RELEASES)
def test_edited_queue_counts_and_hands_out_as_before(
    release, pristine, monkeypatch
):
  family = families.family(release)
  edited = types.ModuleType('edited_live_request_queue')
  monkeypatch.setitem(sys.modules, edited.__name__, edited)
  text = queue_counts_closes.edit(pristine(release, family.queue), family)
  exec(compile(text, family.queue, 'exec'), edited.__dict__)

  async def run():
    queue = edited.LiveRequestQueue()
    assert (queue._closes_made, queue.closed) == (0, False)
    queue.send(edited.LiveRequest(content=None))
    assert (queue._closes_made, queue.closed) == (0, False)
    queue.send(edited.LiveRequest(close=True))
    assert (queue._closes_made, queue.closed) == (1, True)
    queue.close()
    assert queue._closes_made == 2
    return [await queue.get() for _ in range(3)]

  handed_out = asyncio.run(run())

  assert [request.close for request in handed_out] == [False, True, True]


def test_refuses_a_queue_that_already_counts(pristine):
  family = families.family('1.39.1')
  edited = queue_counts_closes.edit(pristine('1.39.1', family.queue), family)

  with pytest.raises(EditError) as refused:
    queue_counts_closes.edit(edited, family)

  assert str(refused.value) == 'LiveRequestQueue already counts closes'


_INIT = '  def __init__(self):\n    self._queue = []\n'
_CLOSE = '  def close(self):\n    self._queue.append(1)\n'
_SEND = '  def send(self, req):\n    self._queue.append(req)\n'


@pytest.mark.parametrize(
    'text, message',
    [
        ('class Other:\n  pass\n', 'no class LiveRequestQueue'),
        (
            'class LiveRequestQueue:\n' + _CLOSE + _SEND,
            'no method LiveRequestQueue.__init__()',
        ),
        (
            'class LiveRequestQueue:\n' + _INIT + _SEND,
            'no method LiveRequestQueue.close()',
        ),
        (
            'class LiveRequestQueue:\n' + _INIT + _CLOSE,
            'no method LiveRequestQueue.send()',
        ),
        (
            'class LiveRequestQueue:\n'
            + _INIT
            + _CLOSE
            + '  def send(self, request):\n    pass\n',
            'LiveRequestQueue.send() does not take `req`',
        ),
        (
            'class LiveRequestQueue:\n'
            + _INIT
            + '  def close(self):\n    """Closes."""\n'
            + _SEND,
            'LiveRequestQueue.close() has no statements',
        ),
    ],
    ids=['no-class', 'no-init', 'no-close', 'no-send', 'send-arg', 'no-body'],
)
def test_fails_loudly_on_unexpected_code(text, message):
  with pytest.raises(EditError) as refused:
    queue_counts_closes.edit(text, families.family('1.39.1'))

  assert str(refused.value) == message
