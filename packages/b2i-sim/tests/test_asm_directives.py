"""Hand-written assembly using every directive family and pseudo-instruction, and `li` of any constant:
b2i-as and GNU as -mno-relax agree byte for byte."""

import subprocess

from b2i.sim.asm import assemble
from b2i.sim.elf.summary import differences
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st


def gnu_object(oracle, tmp_path, source: str, name: str) -> bytes:
    path = tmp_path / f"{name}.s"
    path.write_text(source)
    subprocess.run([oracle("riscv64-linux-gnu-as"), "-march=rv64g", "-mabi=lp64d", "-mno-relax", "-o",
                    tmp_path / f"{name}.o", path], check=True)
    return (tmp_path / f"{name}.o").read_bytes()


EVERYTHING = r"""
# every pseudo-instruction and directive family
	.equ CONST, 42
	.option push
	.option norelax
	.option norvc
	.attribute stack_align, 16
	.file "all.c"
	.ident "test"
	.text
	.globl _start, helper
	.type _start, @function
_start:
	.cfi_startproc
	nop
	li a0, 0
	li a1, -2048
	li a2, 2047
	li a3, 0x7fffffff
	li a4, -0x80000000
	li a5, 0xffffffff
	li a6, 0x123456789abcdef0
	li a7, -1
	li t0, 0x8000000000000000
	li t1, CONST * 3 + (1 << 20)
	mv a0, a1
	not a0, a1
	neg a0, a1
	negw a0, a1
	sext.w a0, a1
	zext.b a0, a1
	seqz a0, a1
	snez a0, a1
	sltz a0, a1
	sgtz a0, a1
	beqz a0, 1f
	bnez a0, 1f
	blez a0, 1f
	bgez a0, 1f
	bltz a0, 1f
	bgtz a0, 1f
1:	bgt a0, a1, 1b
	ble a0, a1, 1b
	bgtu a0, a1, 1b
	bleu a0, a1, 1b
	j 1b
	jal 1b
	jal ra, helper
	jr a0
	jalr a0
	jalr ra, a0
	jalr ra, 12(a0)
	jalr ra, a0, -4
	ret
	call helper
	tail helper
	call external
	la a0, data_label
	lla a0, data_label+8
	lw a0, data_label
	sd a1, data_label, t0
	flw fa0, data_label, t1
	fsd fa0, data_label+16, t1
	fmv.s fa0, fa1
	fabs.s fa0, fa1
	fneg.s fa0, fa1
	fmv.d fa0, fa1
	fabs.d fa0, fa1
	fneg.d fa0, fa1
	fadd.d fa0, fa1, fa2, rtz
	fcvt.w.d a0, fa0, rtz
	fcvt.d.w fa0, a0
	csrr a0, mstatus
	csrw mstatus, a0
	csrs mie, a0
	csrc mip, a0
	csrwi mstatus, 8
	csrsi mstatus, 2
	csrci mstatus, 2
	csrw mscratch, 5
	rdcycle a0
	rdtime a0
	rdinstret a0
	frcsr a0
	fscsr a0
	fscsr a0, a1
	frrm a0
	fsrm a0
	frflags a0
	fsflags a0
	fence
	fence rw, rw
	fence.i
	fence.tso
	sfence.vma
	sfence.vma a0
	ecall
	ebreak
	lr.w a0, (a1)
	lr.d.aq a0, (a1)
	sc.w.rl a0, a2, (a1)
	amoadd.d.aqrl a0, a2, (a1)
	amoswap.w a0, a2, 0(a1)
	lui a0, %hi(data_label)
	addi a0, a0, %lo(data_label)
	lw a1, %lo(data_label)(a0)
	sw a1, %lo(data_label+4)(a0)
2:	auipc a0, %pcrel_hi(data_label)
	addi a0, a0, %pcrel_lo(2b)
	ld a0, %pcrel_lo(2b)(a0)
	lui a0, %hi(CONST)
	addi a0, a0, %lo(CONST)
	add a0, a1, 12
	and a0, a1, 12
	sll a0, a1, 3
	slli a0, a1, 63
	srliw a0, a1, 31
	.cfi_endproc
	.size _start, .-_start
helper:
	.align 4
	ret
	.p2align 3
	.balign 16
	.word 0x13

	.set OTHER, CONST + 1
ANSWER = OTHER * 2
	.section .rodata.str1.8,"aMS",@progbits,1
	.align 3
str:	.string "hi\n\t\"\\\101\x42"
	.ascii "abc", "def"
	.asciz "z"
	.section .data
	.p2align 3
data_label:
	.byte 1, 2, -1, 'a', '\n'
	.half 0x1234, -2
	.short 7
	.2byte 8
	.word 1, -1, ANSWER, data_label, _start, external
	.long 3
	.4byte 4
	.dword 0x123456789abcdef0, data_label + 8, str
	.quad -5
	.8byte 6
	.word 2f - 1f, helper - _start
1:	.zero 5
	.space 3, 0xaa
	.skip 2
2:	.float 1.5, -0.0, 3.4e38
	.double 1e300, -2.5, 1
	.uleb128 300
	.sleb128 -129
	.weak weak_sym
	.word weak_sym
	.hidden hidden_sym
	.globl hidden_sym
hidden_sym:
	.type obj, @object
	.size obj, 8
obj:	.dword 0
	.bss
	.align 4
buf:	.zero 100
	.comm common_sym, 24, 8
	.local local_common
	.comm local_common, 12, 4
	.lcomm lcomm_sym, 16
	.section .text.other, "ax", @progbits
	.pushsection .data.extra, "aw"
	.word 9
	.popsection
	nop
	.previous
	.option pop
"""


def test_every_directive_and_pseudo_instruction(oracle, tmp_path):
    assert differences(assemble(EVERYTHING, "all.s"), gnu_object(oracle, tmp_path, EVERYTHING, "all")) == []


@settings(max_examples=5, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.integers(-(1 << 63), (1 << 64) - 1), st.integers(-5000, 5000),
                          st.integers(0, 63).map(lambda n: 1 << n)), min_size=40, max_size=40))
@example([(1 << 63) - 1, (1 << 63) - 2048, (1 << 63) - 2049, -(1 << 63), (1 << 64) - 1, 0x7FFFFFFF80000000] * 5
         + [0x3FFFFFFFFFFFFFFF, 0x7FFFFFFFFFFFF800] * 5)  # upper parts that wrap in GNU's int64 arithmetic
def test_li_builds_constants_as_gnu_does(oracle, tmp_path, values):
    source = "".join(f"\tli a{i % 8}, {value}\n" for i, value in enumerate(values))
    assert differences(assemble(source), gnu_object(oracle, tmp_path, source, "li")) == []


def test_gnu_ld_links_our_objects(oracle, tmp_path):
    obj = tmp_path / "all.o"
    obj.write_bytes(assemble(EVERYTHING, "all.s"))
    stub = tmp_path / "external.s"
    stub.write_text(".globl external\n.data\nexternal: .word 0\n")
    subprocess.run([oracle("riscv64-linux-gnu-as"), "-o", tmp_path / "external.o", stub], check=True)
    subprocess.run([oracle("riscv64-linux-gnu-ld"), "-o", tmp_path / "a.out", obj, tmp_path / "external.o"],
                   check=True)
