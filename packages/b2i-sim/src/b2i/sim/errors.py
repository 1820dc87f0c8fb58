"""The one exception for mistakes in a user's source or objects: its text is what a compiler would print."""


class SourceError(Exception):
    """`file:line:col: error: message` (line and col are 1-based; 0 means unknown and is left out)."""

    def __init__(self, message: str, filename: str = "<stdin>", line: int = 0, col: int = 0) -> None:
        super().__init__(message)
        self.message, self.filename, self.line, self.col = message, filename, line, col

    def __str__(self) -> str:
        where = self.filename
        if self.line:
            where += f":{self.line}"
            if self.col:
                where += f":{self.col}"
        return f"{where}: error: {self.message}"


class LinkError(Exception):
    """A link that cannot be made: undefined or duplicate symbols, relocations out of range, bad inputs.

    Its text is what `b2i-ld: error: ` precedes, e.g. "undefined symbol: foo (referenced by bar.o)"."""
