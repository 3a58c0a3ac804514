"""Where `BaseLlmFlow.run_live()` decides between reconnecting and raising."""

from __future__ import annotations

import ast
import dataclasses

from ..source import EditError
from ..source import find_class
from ..source import find_method

PATH = 'google/adk/flows/llm_flows/base_llm_flow.py'

# The module-level helpers that `flow_helpers` adds and the guards call.
IS_NORMAL_CLOSURE = '_is_normal_closure'
CLOSED_BY_CLIENT = '_closed_by_client'
CLOSE_TAKEN = '_client_close_taken'

# How a guard ends the run once the client has closed: one INFO line.
ENDS_RUN = """\
  logger.info(
      'Live session closed by the client for agent: %s',
      {context}.agent.name,
  )
  return
"""


@dataclasses.dataclass(frozen=True)
class ReconnectLoop:
  """The `try` inside `run_live()`'s `while True:` and its context name."""

  try_: ast.Try
  context: str

  @property
  def closed_by_client(self) -> str:
    return f'{CLOSED_BY_CLIENT}({self.context})'


def while_true_loops(scope: ast.AST) -> list[ast.While]:
  """The `while True:` loops in `scope`, outermost first."""
  return [
      node
      for node in ast.walk(scope)
      if isinstance(node, ast.While)
      and isinstance(node.test, ast.Constant)
      and node.test.value is True
  ]


def find_reconnect_loop(tree: ast.Module) -> ReconnectLoop:
  run_live = find_method(find_class(tree, 'BaseLlmFlow'), 'run_live')
  match run_live.args.args:
    case [_, ast.arg(arg=context)]:
      pass
    case _:
      raise EditError('run_live() does not take an invocation context')
  for loop in while_true_loops(run_live):
    match loop.body:
      case [ast.Try(handlers=handlers) as try_] if any(
          'ConnectionClosed' in ast.unparse(h.type) for h in handlers if h.type
      ):
        return ReconnectLoop(try_, context)
  raise EditError(
      'run_live() has no `while True:` loop around a `try` that handles'
      ' ConnectionClosed'
  )


def find_receive_from_model(tree: ast.Module) -> ast.AsyncFunctionDef:
  return find_method(find_class(tree, 'BaseLlmFlow'), '_receive_from_model')


def context_name(method: ast.AsyncFunctionDef) -> str:
  """The name of `method`'s `InvocationContext` parameter."""
  for arg in method.args.args:
    if arg.annotation is not None and 'InvocationContext' in ast.unparse(
        arg.annotation
    ):
      return arg.arg
  raise EditError(f'{method.name}() takes no InvocationContext')
