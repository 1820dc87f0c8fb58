"""The table against GNU binutils: our encodings are GNU as's, our text is GNU objdump's (-M no-aliases), and
b2i-as reads that text back to the same words."""

import io
import random
import re
import subprocess

from b2i.sim.asm import assemble
from b2i.sim.disasm import disassemble
from b2i.sim.isa import CSRS, EXACT_CONVERSIONS, OPS, encode, random_fields
from elftools.elf.elffile import ELFFile
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st


def text_section(obj: bytes) -> bytes:
    return ELFFile(io.BytesIO(obj)).get_section_by_name(".text").data()


def gnu_assemble(oracle, tmp_path, lines: list[str], march: str) -> bytes:
    source = tmp_path / "t.s"
    source.write_text(".option norelax\n" + "\n".join(lines) + "\n")
    obj = tmp_path / "t.o"
    subprocess.run([oracle("riscv64-linux-gnu-as"), f"-march={march}", "-o", obj, source], check=True)
    raw = tmp_path / "t.bin"
    subprocess.run([oracle("riscv64-linux-gnu-objcopy"), "-O", "binary", "-j", ".text", obj, raw], check=True)
    return raw.read_bytes()


def gnu_disassemble(oracle, tmp_path, words: list[int], size: int) -> list[str]:
    source = tmp_path / "d.s"
    source.write_text("".join(f".insn {size}, {w:#x}\n" for w in words))
    obj = tmp_path / "d.o"
    subprocess.run([oracle("riscv64-linux-gnu-as"), "-march=rv64gc", "-o", obj, source], check=True)
    out = subprocess.run([oracle("riscv64-linux-gnu-objdump"), "-d", "-M", "no-aliases", obj],
                         capture_output=True, text=True, check=True).stdout
    lines = re.findall(r"^\s*([0-9a-f]+):\t[0-9a-f]+\s*\t(.*)$", out, re.M)
    # drop objdump's comments and symbolic target names: "beq a0,a1,6c <.text+0x6c>" -> "beq a0,a1,6c"
    return [re.sub(r"\s*(#.*|<.*>)$", "", text).strip() for _, text in lines]


BASE_OPS = [op for op in OPS if op.size == 4]
C_OPS = [op for op in OPS if op.size == 2]
# CSRs: the ones we name, and custom numbers nobody names (GNU also names hypervisor and RV32 CSRs we omit).
CSR_NUMBERS = sorted(CSRS.values()) + [0x5C0, 0x7C0, 0x8C0, 0xBC0, 0xFC0]


def draw_program(data, ops) -> list[tuple[object, dict[str, int]]]:
    program = []
    for op in ops:
        for _ in range(3):
            rng = random.Random(data.draw(st.integers(0, 2**64)))
            fields = random_fields(op, rng)
            if "csr" in fields:
                fields["csr"] = rng.choice(CSR_NUMBERS)
            if op.size == 2 and fields.get("shamt") == 0:
                fields["shamt"] = 1  # a shift by 0 is a hint GNU calls c.slli64
            if op.name in EXACT_CONVERSIONS:
                fields["rm"] = 0  # GNU accepts no other rounding mode for an exact conversion
            for name in ("pred", "succ"):
                if fields.get(name) == 0:
                    fields[name] = 15  # GNU cannot write an empty fence set
            if "rm" in fields and fields["rm"] in (5, 6):
                fields["rm"] = 7  # reserved rounding modes: not an instruction to GNU
            program.append((op, fields))
    return program


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          phases=[Phase.generate])  # shrinking a 500-instruction program through GNU as takes minutes
@given(data=st.data())
def test_every_instruction_encodes_as_gnu_as_does(oracle, tmp_path, data):
    program = draw_program(data, BASE_OPS)
    words = [encode(op, **fields) for op, fields in program]
    text = [disassemble(word) for word in words]
    gnu = gnu_assemble(oracle, tmp_path, text, "rv64g")
    ours = b"".join(w.to_bytes(4, "little") for w in words)
    ours_assembled = text_section(assemble("\n".join(text)))
    for i, line in enumerate(text):
        assert gnu[4 * i:4 * i + 4] == ours[4 * i:4 * i + 4], line
        assert ours_assembled[4 * i:4 * i + 4] == ours[4 * i:4 * i + 4], line  # b2i-as reads the same text


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          phases=[Phase.generate])  # shrinking a 500-instruction program through GNU as takes minutes
@given(data=st.data())
def test_every_instruction_disassembles_as_gnu_objdump_does(oracle, tmp_path, data):
    for ops, size in ((BASE_OPS, 4), (C_OPS, 2)):
        words = [encode(op, **fields) for op, fields in draw_program(data, ops)]
        pcs = [size * i for i in range(len(words))]
        ours = [disassemble(word, pc).replace("\t", " ") for word, pc in zip(words, pcs, strict=True)]
        gnu = [line.replace("\t", " ") for line in gnu_disassemble(oracle, tmp_path, words, size)]
        assert ours == gnu
