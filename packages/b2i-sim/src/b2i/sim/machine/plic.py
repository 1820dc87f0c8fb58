"""The platform-level interrupt controller (PLIC) of QEMU virt, for one hart: context 0 is M mode, 1 is S mode.

Sources are level-triggered lines (a callable per source number). A source is pending while its line is high
and it is not claimed; a context's interrupt (MEIP or SEIP) is raised while an enabled pending source has a
priority above the context's threshold. Claim returns the best such source and completion releases it.
"""

from collections.abc import Callable

from b2i.sim.machine.csr import MIP_MEIP, MIP_SEIP

PRIORITY, PENDING, ENABLE, CONTEXT = 0x0, 0x1000, 0x2000, 0x20_0000
ENABLE_STRIDE, CONTEXT_STRIDE = 0x80, 0x1000
CONTEXT_MIP = (MIP_MEIP, MIP_SEIP)


class Plic:
    """Priorities, enables, thresholds and claim/complete for two contexts of one hart."""

    def __init__(self, sources: dict[int, Callable[[], bool]]):
        self.sources = sources
        self.priority = {number: 0 for number in sources}
        self.enable = [0, 0]
        self.threshold = [0, 0]
        self.claimed: set[int] = set()

    def _pending(self) -> int:
        bits = 0
        for number, line in self.sources.items():
            if number not in self.claimed and line():
                bits |= 1 << number
        return bits

    def _best(self, context: int) -> int:
        pending = self._pending() & self.enable[context]
        best, best_priority = 0, self.threshold[context]
        for number in sorted(self.sources):
            if pending >> number & 1 and self.priority[number] > best_priority:
                best, best_priority = number, self.priority[number]
        return best

    def pending(self) -> int:
        """The mip bits (MEIP, SEIP) this device raises now."""
        bits = 0
        if self.enable[0] or self.enable[1]:
            for context in (0, 1):
                if self._best(context):
                    bits |= CONTEXT_MIP[context]
        return bits

    def read(self, offset: int, size: int) -> int:
        if offset < PENDING:
            return self.priority.get(offset // 4, 0)
        if offset < ENABLE:
            return self._pending() if offset == PENDING else 0
        if offset < CONTEXT:
            context, word = divmod(offset - ENABLE, ENABLE_STRIDE)
            return self.enable[context] if context < 2 and word == 0 else 0
        context, register = divmod(offset - CONTEXT, CONTEXT_STRIDE)
        if context >= 2:
            return 0
        if register == 0:
            return self.threshold[context]
        if register == 4:  # claim
            best = self._best(context)
            if best:
                self.claimed.add(best)
            return best
        return 0

    def write(self, offset: int, size: int, value: int) -> None:
        value &= 0xFFFF_FFFF
        if offset < PENDING:
            if offset // 4 in self.priority:
                self.priority[offset // 4] = value & 7
        elif ENABLE <= offset < CONTEXT:
            context, word = divmod(offset - ENABLE, ENABLE_STRIDE)
            if context < 2 and word == 0:
                self.enable[context] = value & ~1
        elif offset >= CONTEXT:
            context, register = divmod(offset - CONTEXT, CONTEXT_STRIDE)
            if context < 2 and register == 0:
                self.threshold[context] = value & 7
            elif context < 2 and register == 4:  # complete
                self.claimed.discard(value)
