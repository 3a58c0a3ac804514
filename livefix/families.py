"""Where the live code lives in each family of upstream releases.

The one place that says, by release, which modules the fix edits and what
the functions it edits are called. The edits locate their targets through
it, `check` names what it could not find, and the README's table of families
is checked against it (tests/build_backend/test_families.py).

Measured on the official wheels of every release in `releases.txt`.
"""

from __future__ import annotations

import dataclasses

from . import releases

_FLOWS = 'google/adk/flows/llm_flows/'


@dataclasses.dataclass(frozen=True)
class Function:
  """A function by where it is defined: in a class, or at module level."""

  name: str
  cls: str | None = None

  def __str__(self) -> str:
    return f'{self.cls}.{self.name}()' if self.cls else f'{self.name}()'


@dataclasses.dataclass(frozen=True)
class Family:
  """Releases from `first` up to the next family's first that share a layout.

  Attributes:
    first: The family's oldest release.
    flow: The module holding the live run, send and receive loops.
    run_live: The live run, with the reconnect loop (`while True:`).
    send: The send loop, which reads the queue and sends the close.
    receive: The receive loop, which asks for one stream after another.
    queue: The module of `LiveRequestQueue`.
    context: The module of `InvocationContext`.
  """

  first: str
  flow: str
  run_live: Function
  send: Function
  receive: Function
  queue: str
  context: str = 'google/adk/agents/invocation_context.py'


_BASE_LLM_FLOW = dict(
    flow=_FLOWS + 'base_llm_flow.py',
    run_live=Function('run_live', 'BaseLlmFlow'),
    send=Function('_send_to_model', 'BaseLlmFlow'),
    receive=Function('_receive_from_model', 'BaseLlmFlow'),
    queue='google/adk/agents/live_request_queue.py',
)
_LIVE_LLM_FLOW = dict(
    run_live=Function('run_live_flow'),
    send=Function('send_to_model'),
    receive=Function('receive_from_model'),
    queue='google/adk/live/live_request_queue.py',
)

# Oldest first. 1.10.0 brought the reconnect loop with session resumption.
FAMILIES = (
    Family('1.10.0', **_BASE_LLM_FLOW),
    Family('2.9.0', flow=_FLOWS + '_live_llm_flow.py', **_LIVE_LLM_FLOW),
    Family(
        '2.11.0', flow='google/adk/live/_live_llm_flow.py', **_LIVE_LLM_FLOW
    ),
)


def family(release: str) -> Family:
  """The family of a supported release; refuses others (`UnsupportedRelease`)."""
  releases.wheel_sha256(release)
  key = releases.release_key(release)
  return [f for f in FAMILIES if releases.release_key(f.first) <= key][-1]
