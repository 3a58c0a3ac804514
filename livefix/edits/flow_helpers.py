"""Helpers in `base_llm_flow` that the guards of the other edits call.

`_is_normal_closure()` tells a normal closure from a drop. What websockets
calls a normal closure (`ConnectionClosedOK`: close code 1000 or 1001, or a
close frame without a status, 1005) reaches `run_live()` as
`ConnectionClosedOK`, as `ConnectionClosed` or, from google-genai 1.62 on, as
`APIError` with the close code, depending on the releases installed.

`_closed_by_client()` says whether the client has closed the live request
queue for the running invocation (see `LiveRequestQueue.closed_for()`), and
`_client_close_taken()` whether that close has reached a connection.
"""

from __future__ import annotations

import ast

from ..source import block
from ..source import EditError
from ..source import find_class
from ..source import Source
from ..source import Splice
from ._flow import CLOSE_TAKEN
from ._flow import CLOSED_BY_CLIENT
from ._flow import IS_NORMAL_CLOSURE
from ._flow import PATH

_HELPERS_CODE = f'''\
# The close codes websockets counts as a normal closure: 1000 (normal), 1001
# (going away) and 1005 (a close frame without a status code).
_NORMAL_CLOSURE_CODES = (1000, 1001, 1005)


def {IS_NORMAL_CLOSURE}(error: Exception) -> bool:
  """Returns whether `error` ends a live connection closed normally."""
  from google.genai import errors

  if isinstance(error, ConnectionClosedOK):
    return True
  if isinstance(error, ConnectionClosed):
    code = error.rcvd.code if error.rcvd else None
  elif isinstance(error, errors.APIError):
    code = error.code
  else:
    return False
  return code in _NORMAL_CLOSURE_CODES


def {CLOSED_BY_CLIENT}(invocation_context: InvocationContext) -> bool:
  """Returns whether the client closed the live request queue in this run."""
  return invocation_context.live_request_queue.closed_for(
      invocation_context.invocation_id
  )


def {CLOSE_TAKEN}(invocation_context: InvocationContext) -> bool:
  """Returns whether a connection of this run has taken the client's close."""
  return invocation_context.live_request_queue.close_taken_for(
      invocation_context.invocation_id
  )


'''


def _imported_names(tree: ast.Module, module: str) -> set[str]:
  return {
      alias.asname or alias.name
      for node in tree.body
      if isinstance(node, ast.ImportFrom) and node.module == module
      for alias in node.names
  }


def edit(text: str) -> str:
  source = Source(text)
  missing = {'ConnectionClosed', 'ConnectionClosedOK'} - _imported_names(
      source.tree, 'websockets.exceptions'
  )
  if missing:
    raise EditError(
        f'{", ".join(sorted(missing))} not imported from websockets.exceptions'
    )
  if 'InvocationContext' not in _imported_names(
      source.tree, 'agents.invocation_context'
  ):
    raise EditError('InvocationContext is not imported')
  defined = {getattr(node, 'name', None) for node in source.tree.body}
  already = defined & {IS_NORMAL_CLOSURE, CLOSED_BY_CLIENT, CLOSE_TAKEN}
  if already:
    raise EditError(f'{", ".join(sorted(already))} already defined')
  flow = find_class(source.tree, 'BaseLlmFlow')
  first_line = min(
      [flow.lineno] + [decorator.lineno for decorator in flow.decorator_list]
  )
  at = source.start_of_line(first_line)
  return source.apply([Splice(at, at, block(_HELPERS_CODE, 0))])
