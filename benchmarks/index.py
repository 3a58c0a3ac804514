"""The wheel index: the time to build it, and installs from it against stock.

    python benchmarks/index.py [--rounds 20]

Builds the index of all supported releases twice, first with an empty cache
of upstream wheels, then with the fifty wheels the first build kept, and
times each. Then serves two indexes on 127.0.0.1,
one with the fork's 1.39.1 wheel and one with the stock 1.39.1 wheel, and
times `pip install --no-deps --force-reinstall google-adk==1.39.1` from each
into one virtual environment whose dependencies are present, pip's cache
warm, in a shuffled order each round. Prints the machine, then a Markdown
report.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import pathlib
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import venv

import interleaved

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from livefix import fetch
from livefix import index
from livefix import releases

RELEASE = releases.DEFAULT


class _QuietHandler(http.server.SimpleHTTPRequestHandler):

  def log_message(self, *args):
    pass


def _serve(directory: pathlib.Path) -> str:
  """Serves `directory` on 127.0.0.1 until the process ends; its URL."""
  handler = functools.partial(_QuietHandler, directory=str(directory))
  server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
  threading.Thread(target=server.serve_forever, daemon=True).start()
  return f'http://127.0.0.1:{server.server_address[1]}'


def _build_index(out: pathlib.Path, cache: pathlib.Path) -> float:
  started = time.perf_counter()
  subprocess.run(
      [sys.executable, '-m', 'livefix', 'index', str(out)],
      cwd=ROOT,
      check=True,
      stdout=subprocess.DEVNULL,
      env={**os.environ, fetch.CACHE_ENV_VAR: str(cache)},
  )
  return time.perf_counter() - started


def _install_times(work: pathlib.Path, fork_index: pathlib.Path, rounds: int):
  stock_index = work / 'stock'
  (stock_index / 'simple' / index.PROJECT).mkdir(parents=True)
  official = next(work.glob(f'cache/google_adk-{RELEASE}-*.whl'))
  shutil.copy(official, stock_index / 'simple' / index.PROJECT)
  index.write_pages(stock_index)
  fork_only = work / 'fork'
  (fork_only / 'simple' / index.PROJECT).mkdir(parents=True)
  wheel = f'google_adk-{releases.fork_version(RELEASE)}-py3-none-any.whl'
  shutil.copy(
      fork_index / 'simple' / index.PROJECT / wheel,
      fork_only / 'simple' / index.PROJECT,
  )
  index.write_pages(fork_only)
  url = _serve(work)
  venv.create(work / 'env', with_pip=True)
  python = work / 'env' / ('Scripts' if os.name == 'nt' else 'bin') / 'python'
  pip = [
      python,
      '-m',
      'pip',
      'install',
      '--quiet',
      '--isolated',
      '--disable-pip-version-check',
  ]
  subprocess.run([*pip, f'google-adk=={RELEASE}'], check=True)
  commands = {
      name: [
          *pip,
          '--no-deps',
          '--force-reinstall',
          '--index-url',
          f'{url}/{name}/simple/',
          f'google-adk=={RELEASE}',
      ]
      for name in ('fork', 'stock')
  }
  for command in commands.values():  # Warms pip's cache.
    subprocess.run(command, check=True)
  return interleaved.time_rounds(commands, rounds)


def main() -> None:
  parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
  parser.add_argument('--rounds', type=int, default=20)
  args = parser.parse_args()
  with tempfile.TemporaryDirectory() as scratch:
    work = pathlib.Path(scratch)
    first = _build_index(work / 'index', work / 'cache')
    shutil.rmtree(work / 'index')
    again = _build_index(work / 'index', work / 'cache')
    times = _install_times(work, work / 'index', args.rounds)

  print(
      f'machine: {platform.platform()}, {os.cpu_count()} CPUs,'
      f' Python {platform.python_version()}\n'
  )
  count = len(releases.WHEEL_SHA256)
  print(f'building the index of {count} releases:\n')
  print(
      f'- with an empty cache, downloading each upstream wheel: {first:.1f} s'
  )
  print(f'- again, every upstream wheel kept: {again:.1f} s\n')
  print(f'installing {RELEASE}, {args.rounds} rounds each:\n')
  print('| index | median | lowest | highest |')
  print('| --- | --- | --- | --- |')
  for name, values in times.items():
    print(
        f'| {name} | {statistics.median(values):.2f} s |'
        f' {min(values):.2f} s | {max(values):.2f} s |'
    )
  ratios = [f / s for f, s in zip(times['fork'], times['stock'])]
  ratio = statistics.median(times['fork']) / statistics.median(times['stock'])
  print(
      f'\nfork / stock: {ratio:.2f}; in single rounds from {min(ratios):.2f}'
      f' to {max(ratios):.2f}'
  )


if __name__ == '__main__':
  main()
