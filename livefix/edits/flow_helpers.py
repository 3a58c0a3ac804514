"""Module-level helpers in the live flow module that the guards call.

`_is_normal_closure()` tells a normal closure from a drop. What websockets
calls a normal closure (`ConnectionClosedOK`: close code 1000 or 1001, or a
close frame without a status, 1005) reaches the live run as
`ConnectionClosedOK`, as `ConnectionClosed` or, from google-genai 1.62 on, as
`APIError` with the close code, depending on the releases installed.
`_closed_by_client()` and `_client_close_taken()` ask the invocation's
`_LiveCloseState` (see `context_shares_close_state`).
"""

from __future__ import annotations

import ast

from .. import snippets
from ..families import Family
from ..source import defined_names
from ..source import EditError
from ..source import Source
from ..source import Splice
from ._flow import find_function
from ._flow import MODULE

TARGET = 'flow'


def _imported_names(tree: ast.Module, module: str) -> set[str]:
  return {
      alias.asname or alias.name
      for node in ast.walk(tree)
      if isinstance(node, ast.ImportFrom) and node.module == module
      for alias in node.names
  }


def _top_level(tree: ast.Module, node: ast.AST) -> ast.stmt:
  """The statement of the module's body that holds `node`."""
  return next(
      statement
      for statement in tree.body
      if statement.lineno <= node.lineno <= statement.end_lineno
  )


def edit(text: str, family: Family) -> str:
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
  names = snippets.helper_names(MODULE)
  already = defined_names(source.tree) & set(names)
  if already:
    raise EditError(f'{", ".join(sorted(already))} already defined')
  owners = [
      _top_level(source.tree, find_function(source.tree, function))
      for function in (family.run_live, family.send, family.receive)
  ]
  at = source.start_of_definition(min(owners, key=lambda node: node.lineno))
  helpers = '\n\n'.join(snippets.definition(MODULE, name) for name in names)
  return source.apply([Splice(at, at, helpers + '\n\n')])
