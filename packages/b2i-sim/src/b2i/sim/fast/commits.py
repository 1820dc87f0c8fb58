"""The commit log (`b2i-run --trace`) from native code: tracing blocks write records, this turns them into lines.

A block translated with `trace` stores one record per instruction it retires (pc, instruction word, the value
of the register the instruction wrote) at state[TRACE] and moves that pointer on; see `Emitter.record`. Once
the dispatcher returns, the engine calls `flush`, which formats the records with the reference's own
`format_commit`, so the lines are the reference's byte for byte. Instructions the reference executes (cold
code, exits to the reference) write their lines themselves, in between, through `Hart.trace`.

Native code cannot stop for a full buffer, so the engine bounds each dispatch instead: it never lets native code
retire more than `room` instructions in one call (a pass through a block retires at most MAX_BLOCK more than
the limit it started under).
"""

import ctypes

from b2i.sim.fast.translate import MAX_BLOCK, RECORD, TRACE
from b2i.sim.machine.hart import Hart
from b2i.sim.machine.trace import destination, format_commit

CAPACITY = 1 << 14  # records per dispatch


class CommitBuffer:
    """The records native code wrote since the last flush, and the hart whose trace stream receives them."""

    room = CAPACITY - MAX_BLOCK

    def __init__(self, hart: Hart, state) -> None:
        self.hart, self.state = hart, state
        self.records = (ctypes.c_uint64 * (CAPACITY * RECORD))()
        self.base = ctypes.addressof(self.records)
        self.state[TRACE] = self.base
        self.shapes: dict[int, tuple[int, tuple[str, int] | None]] = {}  # word -> (size, destination)

    def flush(self) -> None:
        """Write the pending records as commit-log lines (privilege: the hart's, which native code never
        changes) and empty the buffer."""
        count = (self.state[TRACE] - self.base) // (8 * RECORD)
        if not count:
            return
        hart, shapes, priv = self.hart, self.shapes, self.hart.priv
        values = self.records[: count * RECORD]
        lines = []
        for i in range(0, count * RECORD, RECORD):
            pc, word, value = values[i : i + RECORD]
            shape = shapes.get(word)
            if shape is None:
                entry = hart.decode_cache.get(word) or hart.decode(word)
                shape = shapes[word] = (entry[2], destination(entry[3]))
            lines.append(format_commit(priv, pc, word, shape[0], shape[1], value))
        self.state[TRACE] = self.base
        hart.trace.write("".join(lines))
