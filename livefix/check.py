"""Checks the fix on upstream releases without installing them.

For each release: fetch and verify the official wheel, apply the edits (which
compiles the result), then confirm on the edited syntax tree that the guards
stand where the client's close has to pass them. The reachability checks look
at the result, not at what the edits meant to do, so an edit that misses a
handler, a reconnect or a goAway fails here.
"""

from __future__ import annotations

import ast
import concurrent.futures
import dataclasses
import pathlib
import time
from typing import Iterable
from typing import Iterator

from . import fork
from . import source
from .edits import _flow
from .edits import flow_receive_ends_after_close
from .edits import queue_remembers_close

# Downloads run side by side: each is a pip process waiting on the network.
_PARALLEL_DOWNLOADS = 4


@dataclasses.dataclass(frozen=True)
class Result:
  release: str
  problems: tuple[str, ...]
  lines_added: int = 0

  @property
  def ok(self) -> bool:
    return not self.problems

  def line(self) -> str:
    if self.ok:
      return f'{self.release:<8} ok      +{self.lines_added} lines'
    return f'{self.release:<8} FAILED  ' + '; '.join(self.problems)


def _ends_when_closed(
    statement: ast.stmt, helper: str = _flow.CLOSED_BY_CLIENT
) -> bool:
  """Whether `statement` is an `if` on `helper()` that leaves the loop."""
  return (
      isinstance(statement, ast.If)
      and isinstance(statement.test, ast.Call)
      and ast.unparse(statement.test.func) == helper
      and isinstance(statement.body[-1], (ast.Return, ast.Raise))
  )


def _flow_problems(text: str) -> Iterator[str]:
  tree = ast.parse(text)
  defined = {getattr(node, 'name', None) for node in tree.body}
  for helper in (
      _flow.IS_NORMAL_CLOSURE,
      _flow.CLOSED_BY_CLIENT,
      _flow.CLOSE_TAKEN,
  ):
    if helper not in defined:
      yield f'no {helper}()'
  loop = _flow.find_reconnect_loop(tree)
  # Every connection, a reconnect's too, comes after the attempt's guard.
  if not _ends_when_closed(loop.try_.body[0]):
    yield 'run_live() connects without asking whether the client closed'
  for handler in loop.try_.handlers:
    caught = ast.unparse(handler.type)
    if ('ConnectionClosed' in caught or 'APIError' in caught) and not (
        _ends_when_closed(handler.body[0])
    ):
      yield f'line {handler.lineno}: `except {caught}` is not guarded'
  receive_loop, _ = flow_receive_ends_after_close.find_receive_loop(tree)
  if not _ends_when_closed(receive_loop.body[-1], _flow.CLOSE_TAKEN):
    yield 'the receive loop asks for another stream after the close'
  receive = _flow.find_receive_from_model(tree)
  for node in ast.walk(receive):
    if (
        isinstance(node, ast.If)
        and ast.unparse(node.test).endswith('.go_away')
        and not _ends_when_closed(node.body[0])
    ):
      yield f'line {node.lineno}: a goAway is answered after the close'


def _counts(method: ast.AST, counter: str) -> bool:
  """Whether `method` counts into `self.<counter>`."""
  return any(
      isinstance(node, ast.AugAssign)
      and ast.unparse(node) == f'self.{counter} += 1'
      for node in ast.walk(method)
  )


def _queue_problems(text: str) -> Iterator[str]:
  queue = source.find_class(ast.parse(text), 'LiveRequestQueue')
  for name in ('closed', 'is_closed'):
    method = source.find_method(queue, name)
    if not any(ast.unparse(d) == 'property' for d in method.decorator_list):
      yield f'LiveRequestQueue.{name} is not a property'
  source.find_method(queue, 'closed_for')
  source.find_method(queue, 'close_taken_for')
  close = ast.unparse(source.find_method(queue, 'close'))
  if 'self.send(' not in close:
    yield 'close() does not go through send()'
  if not _counts(source.find_method(queue, 'send'), '_closes_made'):
    yield 'send() does not count a close'
  if not _counts(source.find_method(queue, 'get'), '_closes_taken'):
    yield 'get() does not count a close taken'


def check_fork(the_fork: fork.Fork) -> Result:
  """Confirms the guards in an edited release."""
  problems = []
  for find, path in (
      (_queue_problems, queue_remembers_close.PATH),
      (_flow_problems, _flow.PATH),
  ):
    try:
      problems += find(the_fork.edited[path])
    except source.EditError as e:
      problems.append(str(e))
  added = sum(
      len(source.changed_lines(the_fork.pristine[path], text)[1])
      for path, text in the_fork.edited.items()
  )
  return Result(the_fork.release, tuple(problems), added)


def check(release: str, download_dir: pathlib.Path) -> Result:
  """Fetches, verifies and edits `release`, then confirms its guards."""
  try:
    return check_fork(fork.prepare(release, download_dir / release))
  except fork.ERRORS as e:
    return Result(release, (str(e).replace('\n', ' '),))


def check_all(
    names: Iterable[str], download_dir: pathlib.Path
) -> Iterator[Result]:
  """Checks each release, yielding results in the order given."""
  with concurrent.futures.ThreadPoolExecutor(_PARALLEL_DOWNLOADS) as pool:
    yield from pool.map(lambda name: check(name, download_dir), names)


def report(names: list[str], download_dir: pathlib.Path) -> bool:
  """Prints one line per release and a summary; returns whether all passed."""
  started = time.monotonic()
  passed = 0
  for result in check_all(names, download_dir):
    print(result.line(), flush=True)
    passed += result.ok
  elapsed = time.monotonic() - started
  print(f'{passed}/{len(names)} releases ok in {elapsed:.0f} s')
  return passed == len(names)
