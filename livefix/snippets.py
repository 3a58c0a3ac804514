"""Reads the code the fix inserts, as written in `livefix/inserted/`.

Definitions come out as they stand there, the comment lines just above each
included; a snippet (`at_...`) gives its body without its docstring. All
text comes out dedented, for `source.block()` to indent where it goes.
"""

from __future__ import annotations

import ast
import functools
import pathlib
import textwrap

from .source import Source

_INSERTED = pathlib.Path(__file__).with_name('inserted')


@functools.cache
def _module(name: str) -> Source:
  return Source((_INSERTED / f'{name}.py').read_text())


def _scope(module: str, cls: str | None) -> list[ast.stmt]:
  body = _module(module).tree.body
  if cls is None:
    return body
  return next(n.body for n in body if getattr(n, 'name', None) == cls)


def _named(statements: list[ast.stmt], name: str) -> int:
  """The index of the statement that defines or assigns `name`."""
  for i, node in enumerate(statements):
    targets = [getattr(node, 'target', None)] + getattr(node, 'targets', [])
    if getattr(node, 'name', None) == name or any(
        isinstance(t, ast.Name) and t.id == name for t in targets
    ):
      return i
  raise LookupError(f'livefix/inserted/{name} is not defined')


def _lines(module: str, first: int, last: int) -> str:
  """Lines `first` to `last` (from 1), with the comments just above."""
  lines = _module(module).text.splitlines(keepends=True)
  while first > 1 and lines[first - 2].lstrip().startswith('#'):
    first -= 1
  return textwrap.dedent(''.join(lines[first - 1 : last]))


def _is_docstring(node: ast.stmt) -> bool:
  return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)


def definition(module: str, name: str, cls: str | None = None) -> str:
  """A definition, decorators and comments included; an assignment comes
  with the attribute docstring that follows it."""
  statements = _scope(module, cls)
  i = _named(statements, name)
  node = statements[i]
  first = min(
      [node.lineno] + [d.lineno for d in getattr(node, 'decorator_list', [])]
  )
  last = node.end_lineno
  if isinstance(node, (ast.Assign, ast.AnnAssign)) and i + 1 < len(statements):
    if _is_docstring(statements[i + 1]):
      last = statements[i + 1].end_lineno
  return _lines(module, first, last)


def snippet(module: str, name: str, cls: str | None = None) -> str:
  """The body of snippet `name`, after its docstring."""
  function = _scope(module, cls)[_named(_scope(module, cls), name)]
  body = function.body[1:] if _is_docstring(function.body[0]) else function.body
  # From the line after the docstring, so the body's leading comments come.
  first = (
      function.body[0].end_lineno + 1
      if body is not function.body
      else body[0].lineno
  )
  return _lines(module, first, body[-1].end_lineno)


def returned(module: str, name: str) -> str:
  """The expression snippet `name` returns."""
  function = _scope(module, None)[_named(_scope(module, None), name)]
  (statement,) = [n for n in function.body if isinstance(n, ast.Return)]
  return ast.get_source_segment(_module(module).text, statement.value)


def helper_names(module: str) -> list[str]:
  """The module-level functions and constants it inserts, in order."""
  names = []
  for node in _module(module).tree.body:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
      if not node.name.startswith('at_'):
        names.append(node.name)
    elif isinstance(node, ast.Assign) and node.targets[0].id.startswith('_'):
      names.append(node.targets[0].id)
  return names
