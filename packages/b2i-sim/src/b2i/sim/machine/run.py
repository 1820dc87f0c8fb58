"""Running a program from Python, without subprocesses: `run_program` (Linux user mode), `run_machine` (the board).

Both capture what the guest prints and return a `RunResult`. The exit codes are the command's too:

| code | meaning |
|---|---|
| 0-255 | the guest's own exit status (exit syscall, or the test device in system mode) |
| 124 | stopped by the instruction limit (`max_insns`) |
| 125 | the program could not be loaded (missing file, bad ELF): `fault` says why |
| 126 | the guest faulted (illegal instruction, unmapped address, trap with no handler) |
"""

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from b2i.sim.machine.hart import Hart
from b2i.sim.machine.linux import Process, Stream
from b2i.sim.machine.loader import Image, LoadError, read_image
from b2i.sim.machine.trap import GuestExit, GuestFault, Trap

EXIT_LIMIT = 124
EXIT_LOAD_ERROR = 125
EXIT_FAULT = 126


@dataclass
class RunResult:
    """What a run produced: exit status, the guest's output and how many instructions retired."""

    exit_code: int
    stdout: bytes
    stderr: bytes
    instret: int
    fault: str | None = None  # why the run stopped, when it was not the guest's own exit


def read_program(elf: bytes | str | os.PathLike) -> tuple[Image, str]:
    """(image, name) from ELF bytes or a path; LoadError if it cannot be read or is not a RISC-V executable."""
    if isinstance(elf, (bytes, bytearray)):
        return read_image(bytes(elf)), "program"
    elf = os.fspath(elf)
    try:
        with open(elf, "rb") as file:
            data = file.read()
    except OSError as error:
        raise LoadError(f"{elf}: {error.strerror}") from None
    return read_image(data, elf), elf


def disassemble(word: int) -> str:
    """The instruction's text from the disassembler (b2i.sim.disasm), or its hex word if that is unavailable."""
    try:
        from b2i.sim import disasm  # noqa: PLC0415 - imported late: a message is its only use

        return disasm.disassemble(word)
    except Exception:  # noqa: BLE001 - a message must not fail because the disassembler did
        return f"0x{word:0{4 if word & 3 != 3 else 8}x}"


def fault_message(h: Hart, trap: Trap) -> str:
    """One line naming the pc, and the word (illegal instruction) or the address (memory fault)."""
    where = f"pc 0x{h.pc:x}"
    if trap.cause == 2:  # illegal instruction
        word = h.insn_word
        size = 4 if word & 3 == 3 else 2
        return f"{where}: illegal instruction 0x{word:0{2 * size}x} ({disassemble(word)})"
    if trap.cause == 3:
        return f"{where}: breakpoint (ebreak) with no debugger attached"
    return f"{where}: {trap} at address 0x{trap.tval:x}"


def drive(h: Hart, max_insns: int | None) -> tuple[int, str | None]:
    """Run a hart to its end: (exit code, message or None). User-mode traps are fatal; so are GuestFaults.

    `h` may also be an engine driving a hart (the fast engine): anything with `run`, `pc`, `instret` and
    `insn_word`."""
    try:
        h.run(max_insns)
    except GuestExit as done:
        return done.code, None
    except Trap as trap:
        return EXIT_FAULT, fault_message(h, trap)
    except GuestFault as fault:
        return EXIT_FAULT, str(fault)
    return EXIT_LIMIT, f"stopped after {h.instret} instructions (instruction limit)"


def make_process(elf: bytes | str | os.PathLike, argv: list[str] | None, stdin: bytes, root: str,
                 env: list[str] | None, strace: TextIO | None) -> tuple[Process, bytearray, bytearray]:
    """A loaded process whose stdout and stderr are captured; LoadError if the program cannot be read.

    Shared by every engine (reference, fast, lockstep), so they all see the same argv, environment and streams.
    """
    image, name = read_program(elf)
    out, err = bytearray(), bytearray()
    pending = bytearray(stdin)

    def read(n: int) -> bytes:
        data = bytes(pending[:n])
        del pending[:n]
        return data

    argv = list(argv) if argv is not None else [os.path.basename(name)]
    process = Process(image, argv, list(env or []), Stream(read=read), Stream(write=out.extend),
                      Stream(write=err.extend), root, strace=strace, exe_name=name)
    return process, out, err


def drive_on(hart: Hart, target: Any, engine: Callable[[Any], Any] | None,
             max_insns: int | None) -> tuple[int, str | None]:
    """`drive` the hart, or the engine `engine(target)` makes for the process or board (closed afterwards)."""
    if engine is None:
        return drive(hart, max_insns)
    runner = engine(target)
    try:
        return drive(runner, max_insns)
    finally:
        runner.close()


def run_program(elf: bytes | str | os.PathLike, argv: list[str] | None = None, *, stdin: bytes = b"", root: str = ".",
                max_insns: int | None = None, trace: TextIO | None = None, env: list[str] | None = None,
                strace: TextIO | None = None, engine: Callable[[Process], Any] | None = None) -> RunResult:
    """Run a static Linux riscv64 executable in user mode and capture its output.

    `argv` is the whole argument vector, argv[0] included (default: the program's name); `env` the
    environment as "NAME=value" strings (default: none); files are confined to `root`. `trace` receives the
    commit log, `strace` one line per system call. `engine(process)`, if given, makes what drives the hart
    instead of the reference (`b2i.sim.fast.run_program` passes the fast engine).
    """
    try:
        process, out, err = make_process(elf, argv, stdin, root, env, strace)
    except LoadError as error:
        return RunResult(EXIT_LOAD_ERROR, b"", b"", 0, str(error))
    process.hart.trace = trace  # before the engine is made: a fast engine then translates tracing blocks
    code, message = drive_on(process.hart, process, engine, max_insns)
    return RunResult(code, bytes(out), bytes(err), process.hart.instret, message)


def make_board(elf: bytes | str | os.PathLike, stdin: bytes, ram_size: int | None):
    """(board with the program loaded, the bytearray its UART writes to); LoadError if it cannot be loaded."""
    from b2i.sim.machine.board import Board  # noqa: PLC0415 - the board pulls in every device

    image, _ = read_program(elf)
    out = bytearray()
    board = Board(ram_size=ram_size, uart_input=bytes(stdin), uart_output=out.extend)
    board.load_image(image)
    return board, out


def run_machine(elf: bytes | str | os.PathLike, *, stdin: bytes = b"", max_insns: int | None = None,
                trace: TextIO | None = None, ram_size: int | None = None,
                engine: Callable[[Any], Any] | None = None) -> RunResult:
    """Boot a bare-metal executable on the b2i machine (system mode); stdout is what it wrote to the UART.

    The exit code comes from the test device (0x5555: 0, (code << 16) | 0x3333: code). `engine(board)`, if
    given, makes what drives the hart instead of the reference (`b2i.sim.fast.run_machine`: the fast engine).
    """
    try:
        board, out = make_board(elf, stdin, ram_size)
    except LoadError as error:
        return RunResult(EXIT_LOAD_ERROR, b"", b"", 0, str(error))
    board.hart.trace = trace
    code, message = drive_on(board.hart, board, engine, max_insns)
    return RunResult(code, bytes(out), b"", board.hart.instret, message)
