"""The live run ends, never reconnects, once the client's close took effect.

A guard goes first in each handler of the reconnect loop that is the first to
catch one of the errors a connection's closure arrives as, so that it runs
before the handler logs an error, reconnects or raises. After the close, a
normal closure ends the run quietly. In a handler that can reconnect, any
other error is raised at once, as stock raises it without a resumption
handle; a handler that never reconnects goes on as stock, its ERROR record
included, for everything but a normal closure. Releases without an `APIError`
handler meet google-genai's `APIError` in `except Exception`.

From 2.9 upstream refuses a reconnect itself where `client_closed` holds,
computed from the queue's sticky `closed`: that becomes "closed in this
invocation", so that a reused queue's next run resumes after a drop.
"""

from __future__ import annotations

import ast

from .. import snippets
from ..families import Family
from ..source import block
from ..source import EditError
from ..source import Source
from ..source import Splice
from ._flow import ERROR
from ._flow import find_reconnect_loop
from ._flow import MODULE

TARGET = 'flow'

# What a handler catches, by the names upstream writes in its `except`
# clauses, mapped to the closure errors among them.
_CATCHES = {
    'ConnectionClosedOK': {'ConnectionClosedOK'},
    'ConnectionClosed': {'ConnectionClosed', 'ConnectionClosedOK'},
    'APIError': {'APIError'},
    'errors.APIError': {'APIError'},
    'Exception': {'ConnectionClosed', 'ConnectionClosedOK', 'APIError'},
}
# Upstream's own flag, from 2.9 on, that refuses a reconnect.
_CLIENT_CLOSED = 'client_closed'


def _caught(handler: ast.ExceptHandler) -> set[str]:
  types = (
      handler.type.elts
      if isinstance(handler.type, ast.Tuple)
      else [handler.type]
  )
  return set().union(*(_CATCHES.get(ast.unparse(t), set()) for t in types))


def _reconnects(handler: ast.ExceptHandler) -> bool:
  return any(isinstance(node, ast.Continue) for node in ast.walk(handler))


def _client_closed_assignments(handler: ast.ExceptHandler) -> list[ast.Assign]:
  return [
      node
      for node in ast.walk(handler)
      if isinstance(node, ast.Assign)
      and [ast.unparse(t) for t in node.targets] == [_CLIENT_CLOSED]
  ]


def first_to_catch_closures(
    try_: ast.Try, family: Family
) -> list[ast.ExceptHandler]:
  """The handlers that are the first to catch some closure error."""
  handlers = []
  caught_before = set()
  for handler in try_.handlers:
    if _caught(handler) - caught_before:
      handlers.append(handler)
    caught_before |= _caught(handler)
  if caught_before != _CATCHES['Exception']:
    raise EditError(
        f'{family.run_live} does not catch '
        + ', '.join(sorted(_CATCHES['Exception'] - caught_before))
    )
  return handlers


def edit(text: str, family: Family) -> str:
  source = Source(text)
  try_ = find_reconnect_loop(source.tree, family).body[0]
  splices = []
  for handler in try_.handlers:
    for assignment in _client_closed_assignments(handler):
      start, end = source.span(assignment)
      value = snippets.returned(MODULE, 'at_client_closed')
      splices.append(Splice(start, end, f'{_CLIENT_CLOSED} = {value}'))
  for handler in first_to_catch_closures(try_, family):
    if handler.name != ERROR:
      raise EditError(
          f'`except {ast.unparse(handler.type)}:` in {family.run_live} does'
          f' not name its error `{ERROR}`'
      )
    guard = snippets.snippet(
        MODULE,
        'at_reconnecting_handler'
        if _reconnects(handler)
        else 'at_other_handler',
    )
    # After the `except ...:` line, ahead of the comments that open the body.
    at = source.end_of_line(handler.type.end_lineno)
    splices.append(Splice(at, at, block(guard, handler.body[0].col_offset)))
  return source.apply(splices)
