"""`run_live()` ends, never reconnects, once the client's close has taken effect.

A guard goes first in each handler of the reconnect loop that is the first to
catch one of the errors a connection's closure arrives as, so that it runs
before the handler logs an error, reconnects or raises. After the client's
close, a normal closure ends the run quietly, and any other error reaches
the caller, as stock raises it without a resumption handle. Releases without
an `APIError` handler meet google-genai's `APIError` in `except Exception`.
"""

from __future__ import annotations

import ast
import textwrap

from ..source import block
from ..source import EditError
from ..source import INDENT
from ..source import Source
from ..source import Splice
from ._flow import ENDS_RUN
from ._flow import find_reconnect_loop
from ._flow import IS_NORMAL_CLOSURE
from ._flow import PATH

# What a handler catches, by the names upstream writes in its `except`
# clauses, mapped to the normal-closure errors among them.
_CATCHES = {
    'ConnectionClosedOK': {'ConnectionClosedOK'},
    'ConnectionClosed': {'ConnectionClosed', 'ConnectionClosedOK'},
    'APIError': {'APIError'},
    'errors.APIError': {'APIError'},
    'Exception': {'ConnectionClosed', 'ConnectionClosedOK', 'APIError'},
}

_GUARD = (
    'if {closed}:\n'
    + textwrap.indent('if {helper}({error}):\n' + ENDS_RUN, INDENT)
    + '  raise\n'
)


def _caught(handler: ast.ExceptHandler) -> set[str]:
  types = (
      handler.type.elts
      if isinstance(handler.type, ast.Tuple)
      else [handler.type]
  )
  return set().union(*(_CATCHES.get(ast.unparse(t), set()) for t in types))


def edit(text: str) -> str:
  source = Source(text)
  loop = find_reconnect_loop(source.tree)
  splices = []
  caught_before = set()
  for handler in loop.try_.handlers:
    first_to_catch = _caught(handler) - caught_before
    caught_before |= first_to_catch
    if not first_to_catch:
      continue
    if handler.name is None:
      raise EditError(
          f'`except {ast.unparse(handler.type)}:` in run_live() does not name'
          ' its error'
      )
    col = handler.body[0].col_offset
    fields = dict(
        closed=loop.closed_by_client,
        helper=IS_NORMAL_CLOSURE,
        error=handler.name,
        context=loop.context,
    )
    guard = block(_GUARD.format(**fields), col)
    # After the `except ...:` line, ahead of the comments that open the body.
    at = source.end_of_line(handler.type.end_lineno)
    splices.append(Splice(at, at, guard))
  if caught_before != _CATCHES['Exception']:
    raise EditError(
        'run_live() does not catch '
        + ', '.join(sorted(_CATCHES['Exception'] - caught_before))
    )
  return source.apply(splices)
