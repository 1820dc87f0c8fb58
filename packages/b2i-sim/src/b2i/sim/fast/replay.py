"""System calls in user-mode lockstep: the reference side makes each one, the fast side gets its effects.

Two processes that both touched the host (files, clocks, inode numbers) would differ for reasons that are not
engine bugs: one side's writes would land in the other's files, and stat() would see different inodes in two
copies of a folder. So the fast process never calls the host. When it reaches an ecall, `SyscallReplay` first
brings the reference to the same instruction and checks that the two agree there (registers and all of
memory: what the call is about to read, a write()'s buffer say, is part of that), then lets the reference
execute the ecall with its memory effects (map, unmap, writes) logged, and applies those effects and the
result register to the fast process. An exit ends both. Output is therefore produced once, by the reference.
"""

from b2i.sim.machine.linux import Process
from b2i.sim.machine.trap import GuestExit, GuestFault, Trap


class Diverged(Exception):
    """The two sides disagreed at a system call: (what, reference value, fast value)."""

    def __init__(self, what: str, reference: int | str, fast: int | str) -> None:
        super().__init__(what)
        self.difference = (what, reference, fast)


class SyscallReplay:
    """Installed as the fast process's system-call hook; `reference_end` is set when the reference ended."""

    def __init__(self, reference: Process, fast: Process, compare_state, compare_memory) -> None:
        self.reference, self.fast = reference, fast
        self.compare_state, self.compare_memory = compare_state, compare_memory
        self.reference_end: str | None = None
        fast.hart.syscall = self

    def __call__(self, hart) -> None:
        reference = self.reference.hart
        try:
            reference.run(hart.instret - reference.instret)  # the instructions of this unit before the ecall
        except GuestExit as done:
            raise Diverged("outcome", f"exit {done.code}", "system call") from None
        except (Trap, GuestFault) as error:
            raise Diverged("outcome", f"fault: {error}", "system call") from None
        difference = self.compare_state(reference, hart) or self.compare_memory(self.reference.memory,
                                                                                  self.fast.memory)
        if difference is not None:
            raise Diverged(*difference)
        log: list[tuple[str, tuple]] = []
        memory = self.reference.memory
        originals = {name: getattr(memory, name) for name in ("map", "unmap", "write_bytes")}

        def logged(name: str):
            def call(*args) -> None:
                log.append((name, args))
                originals[name](*args)

            return call

        for name in originals:
            setattr(memory, name, logged(name))
        exit_code = None
        try:
            reference.run(1)  # the ecall itself, on the host
        except GuestExit as done:
            exit_code = done.code
        finally:
            for name in originals:
                delattr(memory, name)
        for name, args in log:
            getattr(self.fast.memory, name)(*args)
        if exit_code is not None:
            self.reference_end = f"exit {exit_code}"
            raise GuestExit(exit_code)
        hart.x[10] = reference.x[10]
