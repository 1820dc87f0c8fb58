"""The reference simulator: a plain interpreter of RV64GC, a Linux user-mode process and the b2i machine.

`b2i.sim.machine.run` is the entry point for Python callers (`run_program`, `run_machine`); `main` is the
`b2i-run` command. The other modules are one idea each: memory, fpu, csr, mmu, trap, devices, loader, linux.
"""
