"""Whole programs on the SoC: UART output, exit codes and register dumps agree with QEMU's virt machine."""

import pytest
from b2i.hdl.runner import run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# Prints registers x1..x31 and then the 32 doublewords of `buf` as 16 hex digits per line, then passes.
DUMP_AND_EXIT = """
dump:
    csrw mscratch, t0
    la t0, save_area
""" + "".join(f"    sd x{i}, {8 * i}(t0)\n" for i in range(1, 32) if i != 5) + """
    csrr t1, mscratch
    sd t1, 40(t0)
    li s0, 1
    li s1, 64
    li s2, 0x10000000
1:  slli t1, s0, 3
    add t1, t1, t0
    ld t2, 0(t1)
    li t3, 60
2:  srl t4, t2, t3
    andi t4, t4, 15
    li t5, 10
    blt t4, t5, 3f
    addi t4, t4, 87
    j 4f
3:  addi t4, t4, 48
4:  sb t4, 0(s2)
    addi t3, t3, -4
    bgez t3, 2b
    li t4, 10
    sb t4, 0(s2)
    addi s0, s0, 1
    blt s0, s1, 1b
pass:
    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
5:  j 5b
    .data
    .balign 8
save_area: .space 256
buf: .space 256
"""



HELLO = """
    .section .text.init
    .globl _start
_start:
    li t0, 0x10000000
    la t1, msg
1:  lbu t2, 0(t1)
    beqz t2, 2f
    sb t2, 0(t0)
    addi t1, t1, 1
    j 1b
2:  li t0, 0x100000
    li t1, (7 << 16) | 0x3333
    sw t1, 0(t0)
3:  j 3b
    .data
msg: .asciz "hello from b2i\\n"
"""


@pytest.mark.parametrize("engine", ["icarus", "verilator"])
def test_hello_and_exit_code_match_qemu(build_program, qemu, engine):
    elf = build_program(HELLO)
    uart, status = qemu(elf)
    result = run(elf, engine=engine)
    assert result.finished
    assert (result.uart, result.exit_code) == (uart, status) == ("hello from b2i\n", 7)

# ---------------------------------------------------------------- random instruction streams
R_OPS = ["add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and", "addw", "subw", "sllw", "srlw",
         "sraw", "mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu", "mulw", "divw", "divuw", "remw",
         "remuw"]
I_OPS = ["addi", "slti", "sltiu", "xori", "ori", "andi", "addiw"]
SHIFT_OPS = {"slli": 63, "srli": 63, "srai": 63, "slliw": 31, "srliw": 31, "sraiw": 31}
LOADS = {"lb": 1, "lh": 2, "lw": 4, "ld": 8, "lbu": 1, "lhu": 2, "lwu": 4}
STORES = {"sb": 1, "sh": 2, "sw": 4, "sd": 8}
AMOS = ["amoswap", "amoadd", "amoxor", "amoand", "amoor", "amomin", "amomax", "amominu", "amomaxu"]
BRANCHES = ["beq", "bne", "blt", "bge", "bltu", "bgeu"]

reg = st.integers(1, 30).map(lambda n: f"x{n}")  # x31 holds the address of buf
values = st.one_of(st.sampled_from([0, 1, -1, 2**63, 2**63 - 1, 2**31, 2**31 - 1, -2**31, 0xFFFFFFFF]),
                   st.integers(-2**63, 2**64 - 1), st.integers(-100, 100))


@st.composite
def instruction(draw) -> str:
    kind = draw(st.sampled_from(["r", "r", "r", "i", "shift", "lui", "load", "store", "amo", "lrsc", "branch"]))
    rd, rs1, rs2 = draw(reg), draw(reg), draw(reg)
    if kind == "r":
        return f"{draw(st.sampled_from(R_OPS))} {rd}, {rs1}, {rs2}"
    if kind == "i":
        return f"{draw(st.sampled_from(I_OPS))} {rd}, {rs1}, {draw(st.integers(-2048, 2047))}"
    if kind == "shift":
        op = draw(st.sampled_from(sorted(SHIFT_OPS)))
        return f"{op} {rd}, {rs1}, {draw(st.integers(0, SHIFT_OPS[op]))}"
    if kind == "lui":
        return f"lui {rd}, {draw(st.integers(0, 2**20 - 1))}"
    if kind == "load":
        op = draw(st.sampled_from(sorted(LOADS)))
        return f"{op} {rd}, {LOADS[op] * draw(st.integers(0, 256 // LOADS[op] - 1))}(x31)"
    if kind == "store":
        op = draw(st.sampled_from(sorted(STORES)))
        return f"{op} {rs2}, {STORES[op] * draw(st.integers(0, 256 // STORES[op] - 1))}(x31)"
    if kind == "amo":
        width = draw(st.sampled_from(["w", "d"]))
        return f"{draw(st.sampled_from(AMOS))}.{width} {rd}, {rs2}, (x31)"
    if kind == "lrsc":
        width = draw(st.sampled_from(["w", "d"]))
        between = draw(st.sampled_from(["", f"addi {rs1}, {rs1}, 1\n    "]))
        return f"lr.{width} {rd}, (x31)\n    {between}sc.{width} {rs1}, {rs2}, (x31)"
    # a conditional branch over the next instruction: taken and not-taken paths both get exercised
    return f"{draw(st.sampled_from(BRANCHES))} {rs1}, {rs2}, 1f\n    addi {rd}, {rd}, 1\n1:"


@st.composite
def program(draw) -> str:
    inits = [f"li x{n}, {draw(values)}" for n in range(1, 31)]
    body = draw(st.lists(instruction(), min_size=30, max_size=150))
    lines = ["    .section .text.init", "    .globl _start", "_start:", "    la x31, buf", *inits, *body]
    return "\n    ".join(lines) + "\n" + DUMP_AND_EXIT


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(source=program())
def test_random_streams_match_qemu(build_program, qemu, source):
    """Registers and memory after a random RV64IMA stream are those QEMU computes."""
    elf = build_program(source)
    uart, status = qemu(elf)
    result = run(elf)
    assert status == 0 and len(uart.splitlines()) == 63
    assert result.finished and result.exit_code == 0
    assert result.uart == uart
