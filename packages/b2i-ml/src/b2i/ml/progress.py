"""The text progress bar that training prints: how far along, as a bar a log file can hold too."""


def bar(done: int, total: int, width: int = 20) -> str:
    """`[=========>          ]  45%` for done out of total."""
    fraction = min(1.0, done / total) if total > 0 else 1.0
    filled = int(fraction * width)
    head = ">" if filled < width else ""
    return f"[{'=' * filled}{head}{' ' * (width - filled - len(head))}] {fraction:4.0%}"
