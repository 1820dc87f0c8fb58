"""The b2i machine's memory map (stack.md section 2): the one place Python code reads these addresses from.

Where QEMU's `virt` board has a device, the address and behaviour are the same, so a bare-metal image runs
unchanged on `qemu-system-riscv64 -machine virt -bios none`.
"""

RAM_BASE = 0x8000_0000
RAM_SIZE_DEFAULT = 128 << 20  # bytes; reset pc is RAM_BASE

TEST_BASE = 0x0010_0000  # test / power device (sifive_test on virt)
TEST_SIZE = 0x1000
TEST_PASS = 0x5555  # write this: power off with exit code 0
TEST_FAIL = 0x3333  # write (code << 16) | TEST_FAIL: power off with exit code `code`

CLINT_BASE = 0x0200_0000
CLINT_SIZE = 0x1_0000
CLINT_MSIP = 0x0
CLINT_MTIMECMP = 0x4000
CLINT_MTIME = 0xBFF8
TIMEBASE_HZ = 10_000_000  # mtime ticks per second

PLIC_BASE = 0x0C00_0000
PLIC_SIZE = 0x60_0000
UART_IRQ = 10

UART_BASE = 0x1000_0000
UART_SIZE = 0x100
