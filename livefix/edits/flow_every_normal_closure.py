"""After the client's close, every normal closure ends the run quietly.

`flow_helpers` counts only close code 1000 as normal, the one code upstream
(2.7 on) already ends a run on without a handle. websockets also counts 1001
(going away) and 1005 (a close frame without a status code) as normal, and a
server may answer the client's close with either: this edit replaces the
assignment of `_NORMAL_CLOSURE_CODES` with the one in
`livefix/inserted/live_flow_normal_closures.py`, whose comment says why.
"""

from __future__ import annotations

import ast

from .. import snippets
from ..families import Family
from ..source import EditError
from ..source import Source
from ..source import Splice

TARGET = 'flow'
_MODULE = 'live_flow_normal_closures'
_NAME = '_NORMAL_CLOSURE_CODES'


def edit(text: str, family: Family) -> str:
  del family  # The helpers read the same in every family.
  source = Source(text)
  assignments = [
      node
      for node in source.tree.body
      if isinstance(node, ast.Assign)
      and [ast.unparse(t) for t in node.targets] == [_NAME]
  ]
  if len(assignments) != 1:
    raise EditError(f'{_NAME} is not assigned once at module level')
  (assignment,) = assignments
  start = source.start_of_line(assignment.lineno)
  end = source.end_of_line(assignment.end_lineno)
  widened = snippets.definition(_MODULE, _NAME)
  return source.apply([Splice(start, end, widened)])
