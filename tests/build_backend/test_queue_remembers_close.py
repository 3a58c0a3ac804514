"""Tests for the edit that gives LiveRequestQueue its closed state."""

import ast
import asyncio
import sys
import types

import pytest

from livefix import source
from livefix.edits import queue_remembers_close
from livefix.source import EditError

from .helpers import assert_upstream_style
from .helpers import RELEASES

PATH = queue_remembers_close.PATH


def _queue_class(text: str) -> ast.ClassDef:
  return next(
      node
      for node in ast.parse(text).body
      if isinstance(node, ast.ClassDef) and node.name == 'LiveRequestQueue'
  )


@pytest.mark.parametrize('release', RELEASES)
def test_adds_counts_and_queries(release, pristine):
  before = pristine(release, PATH)

  after = queue_remembers_close.edit(before)

  removed, added = source.changed_lines(before, after)
  assert [line.strip() for line in removed] == [
      'self._queue.put_nowait(LiveRequest(close=True))',
      'return await self._queue.get()',
  ]
  assert_upstream_style(added)
  methods = {
      node.name: node
      for node in _queue_class(after).body
      if isinstance(node, ast.FunctionDef)
  }
  for name in ('closed', 'is_closed'):
    assert [ast.unparse(d) for d in methods[name].decorator_list] == [
        'property'
    ]
  assert ast.unparse(methods['close'].body[0]) == (
      'self.send(LiveRequest(close=True))'
  )
  assert ast.unparse(methods['send'].body[0]) == (
      'if req.close:\n    self._closes_made += 1'
  )
  assert [a.arg for a in methods['closed_for'].args.args] == [
      'self',
      'invocation_id',
  ]


@pytest.mark.parametrize('release', RELEASES)
def test_edited_queue_behaves(release, pristine, monkeypatch):
  edited = types.ModuleType('edited_live_request_queue')
  monkeypatch.setitem(sys.modules, edited.__name__, edited)
  source = queue_remembers_close.edit(pristine(release, PATH))
  exec(compile(source, PATH, 'exec'), edited.__dict__)
  queue = edited.LiveRequestQueue()
  assert not queue.closed_for('run-1')

  queue.send(edited.LiveRequest(close=True))

  assert queue.closed and queue.is_closed
  assert queue.closed_for('run-1')
  assert not queue.close_taken_for('run-1')
  assert asyncio.run(queue.get()).close
  assert queue.close_taken_for('run-1')
  assert not queue.closed_for('run-2')
  queue.close()
  assert queue.closed_for('run-2')
  assert queue._queue.qsize() == 1


def test_refuses_a_queue_that_already_has_closed(pristine):
  edited = queue_remembers_close.edit(pristine('1.39.1', PATH))

  with pytest.raises(EditError, match='already has a closed property'):
    queue_remembers_close.edit(edited)


@pytest.mark.parametrize(
    'source, message',
    [
        ('class Other:\n  pass\n', 'no class LiveRequestQueue'),
        (
            'class LiveRequestQueue:\n'
            '  def __init__(self):\n    self._queue = []\n'
            '  def close(self):\n    self._queue.clear()\n'
            '  def send(self, req):\n    self._queue.append(req)\n',
            r'close\(\) does not just enqueue',
        ),
        (
            'class LiveRequestQueue:\n'
            '  def __init__(self):\n    self._queue = []\n'
            '  def send(self, req):\n    self._queue.append(req)\n',
            r'no method LiveRequestQueue.close\(\)',
        ),
        (
            'class LiveRequestQueue:\n'
            '  def __init__(self):\n    self._queue = []\n'
            '  def close(self):\n'
            '    self._queue.put_nowait(LiveRequest(close=True))\n'
            '  def send(self, req):\n    self._queue.append(req)\n'
            '  async def get(self):\n    return self._queue.pop(0)\n',
            r'get\(\) does not just return',
        ),
    ],
    ids=['no-class', 'close-differs', 'no-close', 'get-differs'],
)
def test_fails_loudly_on_unexpected_code(source, message):
  with pytest.raises(EditError, match=message):
    queue_remembers_close.edit(source)
