"""The fork against stock 1.39.1 and upstream's own fix (2.13.0), in one run.

    python benchmarks/run.py [--rounds 10] [--close-sessions 200]

Every build gets a virtual environment of its own, as the demo makes them.
Measurements are interleaved: each round runs every build once per measure,
in a shuffled order, so that a noisy moment of the machine falls on all of
them. Prints the machine, then a Markdown report.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import platform
import random
import statistics
import subprocess
import sys
import venv

import interleaved

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / 'contributing/samples/live_close'))

from demo import environment

STOCK = '1.39.1'
UPSTREAM_FIX = '2.13.0'
FIX = f'upstream-{UPSTREAM_FIX}'
BUILDS = {
    'fork': [f'--config-settings=upstream={STOCK}', str(ROOT)],
    'stock': [f'google-adk=={STOCK}'],
    FIX: [f'google-adk=={UPSTREAM_FIX}'],
}
# Each build's environment, under .venv-demo/ as the demo's.
VENVS = {
    'fork': f'bench-fork-{STOCK}',
    'stock': f'bench-stock-{STOCK}',
    FIX: f'bench-{FIX}',
}
# What sessions.py needs beside the build: the endpoint's certificates, and
# the end-to-end tests' application, which reads pytest marks.
SESSION_REQUIREMENTS = ['trustme', 'pytest', 'packaging']
# Which builds each measure compares.
MEASURES = {
    'close': ['fork', FIX],
    'reconnects': ['fork', 'stock', FIX],
    'resume': ['fork', 'stock'],
}
# The ratios of medians the report gives: the fork over the other build.
RATIOS = {'close': ('fork', FIX), 'resume': ('fork', 'stock')}


def _samples(python, mode: str, count: int) -> list:
  done = subprocess.run(
      [python, HERE / 'sessions.py', mode, str(count)],
      capture_output=True,
      text=True,
      check=True,
  )
  return json.loads(done.stdout.splitlines()[-1])


def _percentiles(values: list[float]) -> dict[str, float]:
  cuts = statistics.quantiles(values, n=100, method='inclusive')
  return {'p50': cuts[49], 'p95': cuts[94], 'p99': cuts[98]}


def _spread(values: list[float]) -> str:
  return f'{min(values):.2f} to {max(values):.2f}'


def _ms(seconds: float) -> str:
  return f'{seconds * 1000:.2f} ms'


def _install_times(rounds: int) -> dict[str, list[float]]:
  """Seconds to install the fork (building it) and the stock wheel, with
  every dependency present and pip's cache warm."""
  path = ROOT / '.venv-bench-install'
  if not path.exists():
    venv.create(path, with_pip=True)
  python = path / ('Scripts' if os.name == 'nt' else 'bin') / 'python'
  pip = [python, '-m', 'pip', 'install', '--quiet', '--force-reinstall']
  subprocess.run([*pip, f'google-adk=={STOCK}'], check=True)
  commands = {
      'fork': [*pip, '--no-deps', *BUILDS['fork']],
      'stock': [*pip, '--no-deps', *BUILDS['stock']],
  }
  subprocess.run(commands['fork'], check=True)  # Warms the build's caches.
  return interleaved.time_rounds(commands, rounds)


def main() -> None:
  parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
  parser.add_argument('--rounds', type=int, default=10)
  parser.add_argument('--close-sessions', type=int, default=200)
  parser.add_argument('--resume-sessions', type=int, default=200)
  parser.add_argument('--reconnect-sessions', type=int, default=5)
  parser.add_argument('--install-rounds', type=int, default=20)
  args = parser.parse_args()
  per_round = {
      'close': -(-args.close_sessions // args.rounds),
      'resume': -(-args.resume_sessions // args.rounds),
      'reconnects': -(-args.reconnect_sessions // args.rounds),
  }
  pythons = {
      name: environment(VENVS[name], [*req, *SESSION_REQUIREMENTS])
      for name, req in BUILDS.items()
  }
  results = {
      mode: {name: [] for name in names} for mode, names in MEASURES.items()
  }
  # The fork's median over the other's within each round: their spread across
  # rounds is the noise the report states.
  round_ratios = {mode: [] for mode in RATIOS}
  for number in range(args.rounds):
    print(f'round {number + 1} of {args.rounds}', file=sys.stderr)
    this_round = {}
    for mode, names in MEASURES.items():
      for name in random.sample(names, len(names)):
        this_round[mode, name] = _samples(pythons[name], mode, per_round[mode])
        results[mode][name] += this_round[mode, name]
    for mode, (name, other) in RATIOS.items():
      round_ratios[mode].append(
          statistics.median(this_round[mode, name])
          / statistics.median(this_round[mode, other])
      )
  installs = _install_times(args.install_rounds)

  print(
      f'machine: {platform.platform()}, {os.cpu_count()} CPUs,'
      f' Python {platform.python_version()}\n'
  )
  print('close() to end of run_live(), with a handle:\n')
  print('| build | sessions | ended | p50 | p95 | p99 |')
  print('| --- | --- | --- | --- | --- | --- |')
  medians = {}
  for name, samples in results['close'].items():
    ended = [s for s in samples if s is not None]
    cuts = _percentiles(ended)
    medians[name] = cuts['p50']
    print(
        f'| {name} | {len(samples)} | {len(ended)} | '
        + ' | '.join(_ms(v) for v in cuts.values())
        + ' |'
    )
  print(
      f'\nfork median / {UPSTREAM_FIX} median: '
      f'{medians["fork"] / medians[FIX]:.2f}; in single rounds of'
      f' {per_round["close"]} sessions from {_spread(round_ratios["close"])}\n'
  )
  print('connections opened in the 3 s after close(), per session:\n')
  for name, samples in results['reconnects'].items():
    print(f'- {name}: {samples} (total {sum(samples)})')
  print('\ntime to resume after a dropped connection:\n')
  resume = {name: statistics.median(s) for name, s in results['resume'].items()}
  for name, samples in results['resume'].items():
    print(f'- {name}: median {_ms(resume[name])} over {len(samples)}')
  print(
      f'- fork / stock: {resume["fork"] / resume["stock"]:.2f}; in single'
      f' rounds of {per_round["resume"]} sessions from'
      f' {_spread(round_ratios["resume"])}'
  )
  print('\ninstall with a warm cache, dependencies present:\n')
  install = {name: statistics.median(t) for name, t in installs.items()}
  for name, times in installs.items():
    print(
        f'- {name}: median {install[name]:.2f} s over {len(times)}'
        f' (from {_spread(times)} s)'
    )
  install_ratios = [f / s for f, s in zip(installs['fork'], installs['stock'])]
  print(
      f'- fork / stock: {install["fork"] / install["stock"]:.2f};'
      f' in single rounds from {_spread(install_ratios)}'
  )


if __name__ == '__main__':
  main()
