"""Each RTL module on its own, and the SoC with a program: the cocotb benches in tests/cocotb/, run on Icarus
through cocotb's runner."""

import importlib.util

import pytest
from b2i.hdl.image import image_to_hex, load_program
from b2i.hdl.sources import RTL_DIR, rtl_files
from cocotb_tools.runner import get_runner

BENCHES = {
    "b2i_alu": "tb_alu",
    "b2i_muldiv": "tb_muldiv",
    "b2i_regfile": "tb_regfile",
    "b2i_decoder": "tb_decoder",
    "b2i_csr": "tb_csr",
    "b2i_uart": "tb_uart",
    "b2i_clint": "tb_clint",
    "b2i_tlb": "tb_tlb",
    "b2i_ptw": "tb_ptw",
    "b2i_plic": "tb_plic",
}
EXTRA_SOURCES = {"b2i_ptw": ["b2i_pte_check.v"]}
# modules whose benches also run with other parameters: the CLINT's real-time base as well as the retired one
VARIANTS = [(top, {}) for top in sorted(BENCHES)] + [("b2i_clint", {"RETIRED_TIME": 0})]
NEEDS_SIM = {"b2i_decoder": "b2i.sim.isa", "b2i_ptw": "b2i.sim.machine.mmu"}
BENCH_DIR = __import__("pathlib").Path(__file__).parent / "cocotb"


@pytest.mark.parametrize("top, parameters", VARIANTS,
                         ids=[top + "".join(f"-{k}={v}" for k, v in p.items()) for top, p in VARIANTS])
def test_module_bench(top, parameters, oracle, tmp_path):
    oracle("iverilog")
    if top in NEEDS_SIM and importlib.util.find_spec(NEEDS_SIM[top]) is None:
        pytest.skip(f"the {top} bench checks against {NEEDS_SIM[top]}, which is not installed")
    runner = get_runner("icarus")
    sources = [RTL_DIR / name for name in [f"{top}.v", *EXTRA_SOURCES.get(top, [])]]
    runner.build(sources=sources, includes=[RTL_DIR], hdl_toplevel=top, build_dir=tmp_path,
                 parameters=parameters, timescale=("1ns", "1ps"))
    # under pytest, the runner fails the test itself when a cocotb test fails
    results = runner.test(hdl_toplevel=top, test_module=BENCHES[top], test_dir=BENCH_DIR, build_dir=tmp_path,
                           results_xml=str(tmp_path / "results.xml"))
    assert results.exists()


EXTERNAL_INTERRUPT = r"""
    .section .text.init
    .globl _start
_start:
    la t0, handler
    csrw mtvec, t0
    li t0, 1
    li s1, 0x0C000000
    sw t0, 4(s1)              # PLIC: priority of source 1 (the SoC's ext_irq) = 1
    li t0, 2
    li s1, 0x0C002000
    sw t0, 0(s1)              # enable it for context 0 (M mode)
    li s3, 0x0C200000
    sw zero, 0(s3)            # threshold 0
    li t0, 0x800
    csrs mie, t0              # MEIE
    li s0, 0x10000000
    li s9, 0
    li t0, 'w'
    sb t0, 0(s0)
    csrsi mstatus, 8
1:  beqz s9, 1b
    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
2:  j 2b
handler:
    lw s4, 4(s3)              # claim (the bench drops the line once it sees the report)
    li t1, 'E'
    sb t1, 0(s0)
    csrr t0, mcause
    andi t0, t0, 0xf
    addi t0, t0, 87           # 11 -> 'b'
    sb t0, 0(s0)
    csrr t0, mcause
    srli t0, t0, 63
    addi t0, t0, '0'
    sb t0, 0(s0)
    addi t0, s4, '0'          # the claimed source: 1
    sb t0, 0(s0)
    sw s4, 4(s3)              # complete
    li s9, 1
    mret
"""


def test_soc_takes_the_external_interrupt(build_program, oracle, tmp_path):
    oracle("iverilog")
    hex_path = tmp_path / "ram.hex"
    hex_path.write_text(image_to_hex(load_program(build_program(EXTERNAL_INTERRUPT))))
    runner = get_runner("icarus")
    runner.build(sources=rtl_files("b2i_soc"), includes=[RTL_DIR], hdl_toplevel="b2i_soc", build_dir=tmp_path,
                 parameters={"RAM_INIT": f'"{hex_path}"', "RAM_BYTES": 65536}, timescale=("1ns", "1ps"))
    results = runner.test(hdl_toplevel="b2i_soc", test_module="tb_soc", test_dir=BENCH_DIR, build_dir=tmp_path,
                           results_xml=str(tmp_path / "results.xml"))
    assert results.exists()
