"""A folder served on 127.0.0.1, as a PEP 503 index is: a project's folder is
its page, listing its files as links."""

import contextlib
import dataclasses
import functools
import http.server
import pathlib
import threading
from typing import Iterator


@dataclasses.dataclass
class Served:
  directory: pathlib.Path
  url: str
  # (path, Authorization header or None) of each GET, in order.
  requests: list[tuple[str, str | None]]

  def files_sent(self) -> list[str]:
    return [path.rpartition('/')[2] for path, _ in self.requests]


@contextlib.contextmanager
def serve(directory: pathlib.Path) -> Iterator[Served]:
  served = Served(directory, '', [])

  class Handler(http.server.SimpleHTTPRequestHandler):

    def do_GET(self):
      served.requests.append((self.path, self.headers.get('Authorization')))
      super().do_GET()

    def log_message(self, *args):
      pass

  handler = functools.partial(Handler, directory=str(directory))
  server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
  thread = threading.Thread(target=server.serve_forever, daemon=True)
  thread.start()
  served.url = f'http://127.0.0.1:{server.server_address[1]}/'
  try:
    yield served
  finally:
    server.shutdown()
    server.server_close()
