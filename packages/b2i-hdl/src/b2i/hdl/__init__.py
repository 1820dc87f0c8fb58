"""b2i.hdl: The hardware in Verilog: RV64 CPU, GPU, MMU, SD-card controller; cocotb tests; Verilator/Icarus runners."""

__version__ = "0.1.0"
