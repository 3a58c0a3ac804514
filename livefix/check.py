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

from . import families
from . import fork
from . import snippets
from . import source
from .edits import _flow
from .edits import flow_ends_on_client_close
from .edits import flow_hand_over_ends_at_close
from .edits import flow_ignores_go_away_after_close

# Downloads run side by side: each waits on the network.
_PARALLEL_DOWNLOADS = 4
# The helpers the guards call, as `livefix/inserted/live_flow.py` names them.
_CLOSED = '_closed_by_client'
_CLOSE_TAKEN = '_client_close_taken'
# The close codes the whole fix counts as normal, as the normal-closures
# edit brings them.
_CODES = '_NORMAL_CLOSURE_CODES'
_WIDENED = 'live_flow_normal_closures'


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


def _calls(node: ast.AST, helper: str) -> bool:
  """Whether `node` calls `helper()`."""
  return any(
      isinstance(n, ast.Call) and ast.unparse(n.func) == helper
      for n in ast.walk(node)
  )


def _ends_when(statement: ast.stmt, helper: str = _CLOSED) -> bool:
  """Whether `statement` is an `if` that asks `helper()` and leaves."""
  return (
      isinstance(statement, ast.If)
      and _calls(statement.test, helper)
      and isinstance(statement.body[-1], (ast.Return, ast.Raise))
  )


def _assigned(tree: ast.Module, name: str) -> object:
  """The literal a module's top level assigns to `name`, if it does."""
  for node in tree.body:
    if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == name:
      return ast.literal_eval(node.value)
  return None


def _flow_problems(text: str, family: families.Family) -> Iterator[str]:
  tree = ast.parse(text)
  defined = source.defined_names(tree)
  for helper in snippets.helper_names(_flow.MODULE):
    if helper not in defined:
      yield f'no {helper}'
  expected = _assigned(ast.parse(snippets.definition(_WIDENED, _CODES)), _CODES)
  codes = _assigned(tree, _CODES)
  if codes is not None and codes != expected:
    yield f'{_CODES} is {codes}, not {expected}'
  loop = _flow.find_reconnect_loop(tree, family)
  run_live = _flow.find_function(tree, family.run_live)
  if not any(
      '_live_close_state.begin' in ast.unparse(n)
      for n in ast.walk(run_live)
      if isinstance(n, ast.Expr) and n.end_lineno < loop.lineno
  ):
    yield f'{family.run_live} does not record where the invocation began'
  # Every connection, a reconnect's too, comes after the attempt's guard.
  if not _ends_when(loop.body[0].body[0]):
    yield f'{family.run_live} connects without asking whether the client closed'
  try_ = loop.body[0]
  for pause in flow_hand_over_ends_at_close.find_pauses(try_):
    if ast.unparse(pause.value.value.args[0]) != '0':
      yield f'line {pause.lineno}: a hand-over waits out its pause after the close'
  for handler in flow_ends_on_client_close.first_to_catch_closures(
      try_, family
  ):
    if not _ends_when(handler.body[0]):
      caught = ast.unparse(handler.type)
      yield f'line {handler.lineno}: `except {caught}` is not guarded'
  for handler in try_.handlers:
    for node in ast.walk(handler):
      if (
          isinstance(node, ast.Assign)
          and ast.unparse(node.targets[0]) == 'client_closed'
          and not _calls(node.value, _CLOSED)
      ):
        yield f'line {node.lineno}: client_closed reads the queue, not the run'
  send = _flow.find_function(tree, family.send)
  if '_live_close_state.take_close()' not in ast.unparse(send):
    yield f'{family.send} does not record the close it sends'
  receive_loop = _flow.find_receive_loop(tree, family)
  if not _ends_when(receive_loop.body[-1], _CLOSE_TAKEN):
    yield 'the receive loop asks for another stream after the close'
  receive = _flow.find_function(tree, family.receive)
  for node in flow_ignores_go_away_after_close.find_go_aways(receive):
    if not _ends_when(node.body[0]):
      yield f'line {node.lineno}: a goAway is answered after the close'


def _counts(method: ast.AST) -> bool:
  """Whether `method` counts a close."""
  return any(
      isinstance(node, ast.AugAssign)
      and ast.unparse(node) == 'self._closes_made += 1'
      for node in ast.walk(method)
  )


def _queue_problems(text: str, family: families.Family) -> Iterator[str]:
  del family
  queue = source.find_class(ast.parse(text), 'LiveRequestQueue')
  closed = source.find_method(queue, 'closed')
  if not any(ast.unparse(d) == 'property' for d in closed.decorator_list):
    yield 'LiveRequestQueue.closed is not a property'
  for name in ('close', 'send'):
    if not _counts(source.find_method(queue, name)):
      yield f'{name}() does not count a close'


def _context_problems(text: str, family: families.Family) -> Iterator[str]:
  del family
  context = source.find_class(ast.parse(text), 'InvocationContext')
  if '_live_close_state: _LiveCloseState' not in ast.unparse(context):
    yield 'InvocationContext has no _live_close_state'


def check_fork(the_fork: fork.Fork) -> Result:
  """Confirms the guards in an edited release."""
  problems = []
  family = families.family(the_fork.release)
  for find, path in (
      (_queue_problems, family.queue),
      (_context_problems, family.context),
      (_flow_problems, family.flow),
  ):
    try:
      problems += find(the_fork.edited[path], family)
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
