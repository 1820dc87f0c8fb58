"""Compiler diagnostics: `file:line:col: error: message`, then the source line and a caret under the column.

Every user mistake the compiler finds becomes a CompileError carrying its location; the driver prints it and
exits 1. Warnings are printed at once and do not stop the compilation.
"""

import sys


class SourceFile:
    """One input file's name and text, kept so a diagnostic can quote the offending line."""

    def __init__(self, name: str, text: str):
        self.name = name
        self.text = text
        self._lines: list[str] | None = None

    def line_text(self, line: int) -> str:
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines[line - 1] if 0 < line <= len(self._lines) else ""


class CompileError(Exception):
    """A user error in C source (or a command-line mistake when file is None)."""

    def __init__(self, message: str, file: SourceFile | None = None, line: int = 0, col: int = 0):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.col = col

    def render(self) -> str:
        return render("error", self.message, self.file, self.line, self.col)


def render(kind: str, message: str, file: SourceFile | None, line: int, col: int) -> str:
    if file is None:
        return f"b2i-cc: {kind}: {message}"
    text = file.line_text(line)
    caret = "".join(c if c == "\t" else " " for c in text[: max(col - 1, 0)]) + "^"
    return f"{file.name}:{line}:{col}: {kind}: {message}\n{text}\n{caret}"


class Warnings:
    """Where warnings go: stderr unless -w silenced them."""

    enabled = True

    @classmethod
    def warn(cls, message: str, file: SourceFile | None, line: int, col: int) -> None:
        if cls.enabled:
            print(render("warning", message, file, line, col), file=sys.stderr)


def error_at(tok, message: str) -> CompileError:
    """A CompileError located at a token (anything with file, line and col)."""
    if tok is None:
        return CompileError(message)
    return CompileError(message, tok.file, tok.line, tok.col)
