"""A close during a transfer's hand-over: the fork of 2.13.0 against 2.13.0.

    python benchmarks/hand_over.py [--rounds 5] [--sessions 20]

The application closes the queue when the transfer event reaches it, while
ADK pauses a second before it hands over to the sub-agent. Measured: seconds
from close() to the end of run_live(), interleaved as in run.py.
"""

from __future__ import annotations

import argparse
import pathlib
import random
import statistics
import sys

from run import _ms
from run import _percentiles
from run import _samples
from run import environment
from run import ROOT
from run import SESSION_REQUIREMENTS

RELEASE = '2.13.0'
BUILDS = {
    f'fork {RELEASE}': [f'--config-settings=upstream={RELEASE}', str(ROOT)],
    f'upstream {RELEASE}': [f'google-adk=={RELEASE}'],
}
_VENVS = {
    f'fork {RELEASE}': f'bench-fork-{RELEASE}',
    f'upstream {RELEASE}': f'bench-upstream-{RELEASE}',
}


def main() -> None:
  parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
  parser.add_argument('--rounds', type=int, default=5)
  parser.add_argument('--sessions', type=int, default=20)
  args = parser.parse_args()
  per_round = -(-args.sessions // args.rounds)
  pythons = {
      name: environment(_VENVS[name], [*req, *SESSION_REQUIREMENTS])
      for name, req in BUILDS.items()
  }
  results = {name: [] for name in BUILDS}
  for number in range(args.rounds):
    print(f'round {number + 1} of {args.rounds}', file=sys.stderr)
    for name in random.sample(list(BUILDS), len(BUILDS)):
      results[name] += _samples(pythons[name], 'handover', per_round)
  print('close() at a transfer to the end of run_live(), with a handle:\n')
  print('| build | sessions | ended | p50 | p95 | max |')
  print('| --- | --- | --- | --- | --- | --- |')
  for name, samples in results.items():
    ended = [s for s in samples if s is not None]
    cuts = _percentiles(ended)
    print(
        f'| {name} | {len(samples)} | {len(ended)} | {_ms(cuts["p50"])} |'
        f' {_ms(cuts["p95"])} | {_ms(max(ended))} |'
    )


if __name__ == '__main__':
  main()
