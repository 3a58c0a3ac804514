"""A helper in `base_llm_flow` that tells a normal closure from a drop.

Depending on the websockets and google-genai releases installed, the end of a
connection closed with code 1000 reaches `run_live()` as `ConnectionClosedOK`,
as `ConnectionClosed` or as google-genai's `APIError`.
"""

from __future__ import annotations

import ast

from ..source import block
from ..source import EditError
from ..source import find_class
from ..source import Source
from ..source import Splice
from ._flow import PATH

HELPER = '_is_normal_closure'

_HELPER_CODE = f'''\
def {HELPER}(error: Exception) -> bool:
  """Returns whether `error` ends a live connection closed with code 1000."""
  from google.genai import errors

  if isinstance(error, ConnectionClosedOK):
    return True
  if isinstance(error, ConnectionClosed):
    return error.rcvd is not None and error.rcvd.code == 1000
  return isinstance(error, errors.APIError) and error.code == 1000


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
  if any(getattr(node, 'name', None) == HELPER for node in source.tree.body):
    raise EditError(f'{HELPER}() is already defined')
  flow = find_class(source.tree, 'BaseLlmFlow')
  first_line = min(
      [flow.lineno] + [decorator.lineno for decorator in flow.decorator_list]
  )
  at = source.start_of_line(first_line)
  return source.apply([Splice(at, at, block(_HELPER_CODE, 0))])
