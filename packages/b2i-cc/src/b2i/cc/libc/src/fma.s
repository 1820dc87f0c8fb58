# fma and fmaf: x * y + z with one rounding. The F and D extensions' fused multiply-add is exactly that
# (the product is never rounded), so like sqrt these are a single instruction C cannot spell.
	.text
	.globl fma
	.type fma, @function
fma:
	fmadd.d fa0, fa0, fa1, fa2
	ret
	.size fma, .-fma

	.globl fmaf
	.type fmaf, @function
fmaf:
	fmadd.s fa0, fa0, fa1, fa2
	ret
	.size fmaf, .-fmaf
