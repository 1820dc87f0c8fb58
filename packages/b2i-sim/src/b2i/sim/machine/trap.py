"""Trap causes (mcause/scause values) and the exceptions that carry them out of an instruction.

An instruction that faults raises `Trap`; the hart catches it between instructions and either enters the
trap handler (system mode) or stops the run with a message (user mode, where no handler exists).
"""

INTERRUPT = 1 << 63

# synchronous exceptions
INSN_MISALIGNED = 0
INSN_ACCESS_FAULT = 1
ILLEGAL_INSN = 2
BREAKPOINT = 3
LOAD_MISALIGNED = 4
LOAD_ACCESS_FAULT = 5
STORE_MISALIGNED = 6
STORE_ACCESS_FAULT = 7
ECALL_FROM_U = 8
ECALL_FROM_S = 9
ECALL_FROM_M = 11
INSN_PAGE_FAULT = 12
LOAD_PAGE_FAULT = 13
STORE_PAGE_FAULT = 15

# interrupts (cause = INTERRUPT | number; also the bit numbers in mip/mie)
S_SOFTWARE, M_SOFTWARE = 1, 3
S_TIMER, M_TIMER = 5, 7
S_EXTERNAL, M_EXTERNAL = 9, 11

NAMES = {
    INSN_MISALIGNED: "instruction address misaligned",
    INSN_ACCESS_FAULT: "instruction access fault",
    ILLEGAL_INSN: "illegal instruction",
    BREAKPOINT: "breakpoint",
    LOAD_MISALIGNED: "load address misaligned",
    LOAD_ACCESS_FAULT: "load access fault",
    STORE_MISALIGNED: "store/AMO address misaligned",
    STORE_ACCESS_FAULT: "store/AMO access fault",
    ECALL_FROM_U: "environment call from U-mode",
    ECALL_FROM_S: "environment call from S-mode",
    ECALL_FROM_M: "environment call from M-mode",
    INSN_PAGE_FAULT: "instruction page fault",
    LOAD_PAGE_FAULT: "load page fault",
    STORE_PAGE_FAULT: "store/AMO page fault",
}


class Trap(Exception):
    """A synchronous exception raised by the instruction being executed."""

    def __init__(self, cause: int, tval: int = 0):
        super().__init__(NAMES.get(cause, f"cause {cause}"))
        self.cause = cause
        self.tval = tval


class GuestExit(Exception):
    """The guest asked to stop (exit syscall, test device): carries its exit code."""

    def __init__(self, code: int):
        super().__init__(f"exit {code}")
        self.code = code


class GuestFault(Exception):
    """The guest did something the simulator cannot continue from; the message names pc, address or word."""
