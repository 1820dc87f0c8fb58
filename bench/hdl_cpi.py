"""b2i-hdl benchmark: CPI of the five-stage core on a few programs, simulation speed, and Yosys cell counts.

References: PicoRV32 (multi-cycle, CPI about 4) and classic five-stage cores (CPI about 1.2-1.5). Programs are
built with GNU binutils and run on the Verilator build of the SoC (and one on Icarus, for its speed).
"""

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from b2i.hdl.runner import run
from b2i.hdl.synth import synthesize

EXIT = """
    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
9:  j 9b
"""

PROGRAMS = {
    # integer work: insertion sort of 200 pseudo-random words, then a checksum
    "sort": """
    la s0, data
    li s1, 200
    li t0, 12345
    li t1, 0
1:  li t2, 1103515245
    mul t0, t0, t2
    addi t0, t0, 1234
    slli t3, t1, 3
    add t3, t3, s0
    sd t0, 0(t3)
    addi t1, t1, 1
    blt t1, s1, 1b
    li t1, 1
2:  slli t3, t1, 3
    add t3, t3, s0
    ld t4, 0(t3)
    mv t5, t1
3:  beqz t5, 4f
    ld t6, -8(t3)
    bge t4, t6, 4f
    sd t6, 0(t3)
    addi t3, t3, -8
    addi t5, t5, -1
    j 3b
4:  sd t4, 0(t3)
    addi t1, t1, 1
    blt t1, s1, 2b
""" + EXIT + """
    .data
    .balign 8
data: .space 1600
""",
    # a tight ALU loop: the best case of the pipeline
    "alu-loop": """
    li t0, 20000
    li t1, 0
1:  addi t1, t1, 3
    xor t2, t1, t0
    add t3, t2, t1
    addi t0, t0, -1
    bnez t0, 1b
""" + EXIT,
    # memory chains with load-use hazards
    "linked-list": """
    la s0, data
    li t0, 0
    li t1, 255
1:  slli t2, t0, 3
    add t2, t2, s0
    addi t3, t2, 8
    sd t3, 0(t2)
    addi t0, t0, 1
    blt t0, t1, 1b
    slli t2, t0, 3
    add t2, t2, s0
    sd zero, 0(t2)
    li t4, 40
2:  mv t2, s0
3:  ld t2, 0(t2)
    bnez t2, 3b
    addi t4, t4, -1
    bnez t4, 2b
""" + EXIT + """
    .data
    .balign 8
data: .space 2048
""",
    # the M extension: 64-cycle iterative multiply and divide
    "muldiv": """
    li t0, 300
    li t1, 7
1:  mul t2, t0, t1
    div t3, t2, t1
    addi t0, t0, -1
    bnez t0, 1b
""" + EXIT,
}


def build(name: str, body: str, folder: Path) -> Path:
    source = folder / f"{name}.S"
    source.write_text("    .section .text.init\n    .globl _start\n_start:\n" + body)
    obj, elf = folder / f"{name}.o", folder / f"{name}.elf"
    subprocess.run(["riscv64-unknown-elf-as", "-march=rv64ima_zicsr", "-o", obj, source], check=True)
    subprocess.run(["riscv64-unknown-elf-ld", "-Ttext=0x80000000", "-o", elf, obj], check=True)
    return elf


def main() -> int:
    print("b2i-hdl: cycles per instruction (lower is better; reference PicoRV32 ~4.0, classic 5-stage 1.2-1.5)")
    print(f"{'program':14} {'instret':>9} {'cycles':>9} {'CPI':>6} {'vs PicoRV32':>12} {'Verilator kHz':>14}")
    with tempfile.TemporaryDirectory() as tmp:
        elfs = {name: build(name, body, Path(tmp)) for name, body in PROGRAMS.items()}
        run(elfs["alu-loop"])  # build the simulator outside the timings
        for name, elf in elfs.items():
            start = time.perf_counter()
            result = run(elf)
            seconds = time.perf_counter() - start
            assert result.finished and result.exit_code == 0, name
            print(f"{name:14} {result.instret:9} {result.cycles:9} {result.cpi:6.2f} {4.0 / result.cpi:11.2f}x "
                  f"{result.cycles / seconds / 1000:14.0f}")
        start = time.perf_counter()
        result = run(elfs["sort"], engine="icarus")
        seconds = time.perf_counter() - start
        print(f"Icarus on sort: {result.cycles / seconds / 1000:.1f} kHz "
              f"(Verilator is the fast path; both include process start-up)")
    print()
    print("b2i-hdl: Yosys synthesis of b2i_core (RV64IMA, CSRs, Sv39 TLB and walker, BTB)")
    for target in ("generic", "ice40"):
        report = synthesize(target)
        print(f"{target:8} {report.cells:7} cells {report.luts:7} LUTs {report.flops:6} flip-flops")
    print("reference: PicoRV32 (RV32IMC, smallest config) ~750-2000 iCE40 LUTs; an RV64 datapath is about twice "
          "as wide, and this core adds a pipeline, forwarding and M/S/U CSRs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
