"""The one error every reader raises for a malformed file: it names the file and where in it the problem is."""

from __future__ import annotations

import os


class DataError(Exception):
    """A file that does not follow its format; str() is `file:place: error: message`, one line."""

    def __init__(self, path: str | os.PathLike | None, place: str, message: str) -> None:
        self.path = os.fspath(path) if path is not None else "<data>"
        self.place = place
        self.message = message
        super().__init__(f"{self.path}:{place}: error: {message}" if place else f"{self.path}: error: {message}")
