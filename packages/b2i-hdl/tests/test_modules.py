"""Each RTL module on its own: the cocotb benches in tests/cocotb/, run on Icarus through cocotb's runner."""

import importlib.util

import pytest
from b2i.hdl.sources import RTL_DIR
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
}
EXTRA_SOURCES = {"b2i_ptw": ["b2i_pte_check.v"]}
NEEDS_SIM = {"b2i_decoder": "b2i.sim.isa", "b2i_ptw": "b2i.sim.machine.mmu"}
BENCH_DIR = __import__("pathlib").Path(__file__).parent / "cocotb"


@pytest.mark.parametrize("top", sorted(BENCHES))
def test_module_bench(top, oracle, tmp_path):
    oracle("iverilog")
    if top in NEEDS_SIM and importlib.util.find_spec(NEEDS_SIM[top]) is None:
        pytest.skip(f"the {top} bench checks against {NEEDS_SIM[top]}, which is not installed")
    runner = get_runner("icarus")
    sources = [RTL_DIR / name for name in [f"{top}.v", *EXTRA_SOURCES.get(top, [])]]
    runner.build(sources=sources, includes=[RTL_DIR], hdl_toplevel=top, build_dir=tmp_path,
                 timescale=("1ns", "1ps"))
    # under pytest, the runner fails the test itself when a cocotb test fails
    results = runner.test(hdl_toplevel=top, test_module=BENCHES[top], test_dir=BENCH_DIR, build_dir=tmp_path)
    assert results.exists()
