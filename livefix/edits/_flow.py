"""Locates the live run, its send and receive loops in a family's flow module."""

from __future__ import annotations

import ast

from ..families import Family
from ..families import Function
from ..source import EditError
from ..source import find_class
from ..source import find_method

MODULE = 'live_flow'
# The names every release gives the invocation context and the caught error
# where the inserted code goes; the snippets are written with them.
CONTEXT = 'invocation_context'
ERROR = 'e'


def find_function(
    tree: ast.Module, function: Function
) -> ast.FunctionDef | ast.AsyncFunctionDef:
  if function.cls:
    return find_method(find_class(tree, function.cls), function.name)
  for node in tree.body:
    if (
        isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.name == function.name
    ):
      return node
  raise EditError(f'no function {function}')


def takes_context(
    tree: ast.Module, function: Function
) -> ast.FunctionDef | ast.AsyncFunctionDef:
  """`function`, which must take the invocation context as `CONTEXT`."""
  node = find_function(tree, function)
  if CONTEXT not in [arg.arg for arg in node.args.args]:
    raise EditError(f'{function} takes no `{CONTEXT}`')
  return node


def while_true_loops(scope: ast.AST) -> list[ast.While]:
  """The `while True:` loops in `scope`, outermost first."""
  return [
      node
      for node in ast.walk(scope)
      if isinstance(node, ast.While)
      and isinstance(node.test, ast.Constant)
      and node.test.value is True
  ]


def find_reconnect_loop(tree: ast.Module, family: Family) -> ast.While:
  """The `while True:` around a `try` that handles ConnectionClosed."""
  run_live = takes_context(tree, family.run_live)
  for loop in while_true_loops(run_live):
    match loop.body:
      case [ast.Try(handlers=handlers)] if any(
          'ConnectionClosed' in ast.unparse(h.type) for h in handlers if h.type
      ):
        return loop
  raise EditError(
      f'{family.run_live} has no `while True:` loop around a `try` that'
      ' handles ConnectionClosed'
  )


def find_receive_loop(tree: ast.Module, family: Family) -> ast.While:
  """The receive loop's `while True:` over one `receive()` stream after
  another."""
  receive = takes_context(tree, family.receive)
  for loop in while_true_loops(receive):
    if '.receive()' in ast.unparse(loop):
      return loop
  raise EditError(f'{family.receive} has no `while True:` loop over receive()')
