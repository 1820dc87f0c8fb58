"""Kernel -> C. The single lowering path: every kernel becomes one C function over flat buffers.

The function is `void kernel(void **bufs, const uint64_t *params)`: bufs[0] is the output, bufs[1..] the
inputs. Loops run over the kernel's shape; each load's position is `offset + i0*s0 + i1*s1 + ...` from its
View, with adjacent axes merged first whenever every view allows it (so a contiguous elementwise chain is a
single flat loop that the C compiler vectorizes). Sizes, strides and offsets are arguments (q0, q1, ...), except
0 and 1, which shape the code; constants are literals. So one compiled kernel serves every shape with the same
structure, and each distinct structure is its own small C file, cached by its hash.
"""

from __future__ import annotations

import math
import weakref

from b2i.tensor.dtype import INT_RANGE, DType, bool_, float32, float64, int64, uint64
from b2i.tensor.kernel import Acc, Alu, Const, Expr, Kernel, Load, Rand, structure, walk
from b2i.tensor.view import View

PRELUDE = r"""#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
typedef unsigned char b2i_bool;
#define B2I_IDIV(T, NAME) static inline T NAME(T a, T b) { \
  if (b == 0) return 0; if (b == -1) return (T)(0 - (uint64_t)a); \
  T q = a / b; if (a % b != 0 && ((a < 0) != (b < 0))) q -= 1; return q; }
#define B2I_IMOD(T, NAME) static inline T NAME(T a, T b) { \
  if (b == 0 || b == -1) return 0; T r = a % b; if (r != 0 && ((r < 0) != (b < 0))) r += b; return r; }
B2I_IDIV(int8_t, b2i_idiv_int8) B2I_IDIV(int16_t, b2i_idiv_int16)
B2I_IDIV(int32_t, b2i_idiv_int32) B2I_IDIV(int64_t, b2i_idiv_int64)
B2I_IMOD(int8_t, b2i_imod_int8) B2I_IMOD(int16_t, b2i_imod_int16)
B2I_IMOD(int32_t, b2i_imod_int32) B2I_IMOD(int64_t, b2i_imod_int64)
#define B2I_UDIVMOD(T, N) static inline T b2i_idiv_##N(T a, T b) { return b ? (T)(a / b) : 0; } \
static inline T b2i_imod_##N(T a, T b) { return b ? (T)(a % b) : 0; }
B2I_UDIVMOD(uint8_t, uint8) B2I_UDIVMOD(uint16_t, uint16) B2I_UDIVMOD(uint32_t, uint32) B2I_UDIVMOD(uint64_t, uint64)
/* numpy's floor division and remainder for floats (npy_divmod) */
#define B2I_FDIVMOD(T, S) \
static inline T b2i_fdiv_##T(T a, T b) { \
  if (!b) return a / b; \
  T mod = fmod##S(a, b), div = (a - mod) / b; \
  if (mod) { if ((b < 0) != (mod < 0)) div -= 1; } \
  if (div) { T f = floor##S(div); if (div - f > (T)0.5) f += 1; return f; } \
  return copysign##S((T)0, a / b); } \
static inline T b2i_fmod_##T(T a, T b) { \
  T mod = fmod##S(a, b); if (!b) return mod; \
  if (mod) { if ((b < 0) != (mod < 0)) mod += b; } else mod = copysign##S((T)0, b); \
  return mod; }
B2I_FDIVMOD(float, f) B2I_FDIVMOD(double, )
/* integer powers wrap modulo 2^bits, as numpy's; a negative exponent gives 0 or +-1 (unreachable:
   the Tensor refuses negative integer powers, as numpy does) */
#define B2I_IPOW(T, NAME) static inline T NAME(T a, T e) { \
  if (e < 0) return a == 1 ? 1 : a == (T)-1 ? ((e & 1) ? (T)-1 : 1) : 0; \
  uint64_t r = 1, b = (uint64_t)a, n = (uint64_t)e; \
  while (n) { if (n & 1) r *= b; b *= b; n >>= 1; } return (T)r; }
B2I_IPOW(int8_t, b2i_ipow_int8) B2I_IPOW(int16_t, b2i_ipow_int16)
B2I_IPOW(int32_t, b2i_ipow_int32) B2I_IPOW(int64_t, b2i_ipow_int64)
B2I_IPOW(uint8_t, b2i_ipow_uint8) B2I_IPOW(uint16_t, b2i_ipow_uint16)
B2I_IPOW(uint32_t, b2i_ipow_uint32) B2I_IPOW(uint64_t, b2i_ipow_uint64)
/* e^x for float32, in float: x = n*ln2 + r with |r| <= ln2/2 (n rounded by adding 1.5 * 2^23; ln2 split in two
   so that n*ln2_hi is exact), e^r by a degree-6 polynomial fitted for relative error (3e-9), times 2^n as two
   powers of two so that results near overflow and subnormal ones come out right. Explicit fmaf (one rounding
   each; -ffp-contract=off leaves the kernels' own a*b+c alone). Within 0.9 ulp of the true value over all
   floats; branch-free, so loops that call it vectorize 16 floats at a time, unlike libm's expf. */
static inline float b2i_pow2f(int32_t n) { int32_t bits = (n + 127) << 23; float f; memcpy(&f, &bits, 4); return f; }
static inline float b2i_expf(float x) {
  float c = x > 89.0f ? 89.0f : (x < -104.0f ? -104.0f : x);
  float t = fmaf(c, 1.44269504f, 12582912.0f), n = t - 12582912.0f;
  int32_t k;
  memcpy(&k, &t, 4);
  k -= 0x4B400000;  /* the bits of 12582912.0f: k is n as an integer */
  float r = fmaf(n, 2.12194440e-4f, fmaf(n, -0.693359375f, c));
  float p = fmaf(fmaf(fmaf(fmaf(fmaf(fmaf(0.0013814613f, r, 0.0083687101f), r, 0.041668389f), r, 0.16666521f), r,
                           0.49999994f), r, 1.0f), r, 1.0f);
  int32_t h = k >> 1;
  return p * b2i_pow2f(h) * b2i_pow2f(k - h); }
static inline float b2i_sigmoidf(float x) { return 1.0f / (1.0f + b2i_expf(-x)); }
/* tanh for float32 (within 2.5 ulp): an odd Taylor polynomial below |x| = 0.3, where 1 - 2/(e^2|x| + 1)
   would cancel, else that formula with the sign of x. */
static inline float b2i_tanhf(float x) {
  float a = fabsf(x), s = x * x;
  float small = x * fmaf(fmaf(fmaf(fmaf(fmaf(-1382/155925.f, s, 62/2835.f), s, -17/315.f), s, 2/15.f), s, -1/3.f), s,
                         1.0f);
  float big = copysignf(1.0f - 2.0f / (b2i_expf(2.0f * a) + 1.0f), x);
  return a < 0.3f ? small : big; }
/* counter-based random numbers (see b2i/tensor/random.py) */
static inline uint64_t b2i_bits(uint64_t key, uint64_t ctr) {
  uint64_t z = key + ctr * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL; z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31); }
static inline double b2i_uniform_double(uint64_t key, uint64_t ctr) {
  return (double)(b2i_bits(key, ctr) >> 11) * 0x1.0p-53; }
static inline float b2i_uniform_float(uint64_t key, uint64_t ctr) {
  return (float)(b2i_bits(key, ctr) >> 40) * 0x1.0p-24f; }
static inline double b2i_normal(uint64_t key, uint64_t ctr) {
  double u1 = b2i_uniform_double(key, 2 * ctr), u2 = b2i_uniform_double(key, 2 * ctr + 1);
  return sqrt(-2.0 * log(1.0 - u1)) * cos(2.0 * 3.141592653589793 * u2); }
"""

_FLOAT_FN = ("exp", "log", "sqrt", "sin", "cos", "tanh")


def ctype(d: DType) -> str:
    return "b2i_bool" if d is bool_ else d.ctype


def literal(value, d: DType) -> str:
    """A C literal for a constant of dtype d, exact (hex floats) and without overflow (INT64_MIN)."""
    if d.is_float:
        v = float(value)
        if math.isnan(v):
            text = "NAN"
        elif math.isinf(v):
            text = "INFINITY" if v > 0 else "(-INFINITY)"
        else:
            text = v.hex()
        return f"(({ctype(d)}){text})"
    v = int(value)
    if d is int64:
        return "INT64_MIN" if v == -(2**63) else f"((int64_t){v}LL)"
    if d is uint64:
        return f"((uint64_t){v}ULL)"
    return f"(({ctype(d)}){v})"


def _lowest(d: DType) -> str:
    """The smallest value of an integer or bool type, as a C literal (the start of a max or argmax)."""
    return literal(0 if d is bool_ else INT_RANGE[d][0], d)


def _highest(d: DType) -> str:
    return literal(1 if d is bool_ else INT_RANGE[d][1], d)


def collapse(shape: list[int], strides: list[list[int]]) -> tuple[list[int], list[list[int]]]:
    """Drop size-1 axes and merge neighbours that every view walks as one (stride[a] == stride[a+1]*n[a+1])."""
    keep = [a for a, n in enumerate(shape) if n != 1]
    out_shape = [shape[a] for a in keep]
    out_strides = [[s[a] for a in keep] for s in strides]
    a = len(out_shape) - 2
    while a >= 0:
        if all(s[a] == s[a + 1] * out_shape[a + 1] for s in out_strides):
            out_shape[a] *= out_shape[a + 1]
            del out_shape[a + 1]
            for s in out_strides:
                s[a] = s[a + 1]
                del s[a + 1]
        a -= 1
    return out_shape, out_strides


class _Numbers:
    """Sizes, strides and offsets become kernel arguments (`q0`, `q1`, ... read from params), so one compiled
    kernel serves every shape with the same structure. 0 and 1 stay literals: they decide what the C compiler
    can vectorize (a contiguous or broadcast access), so they are part of the kernel's identity."""

    def __init__(self) -> None:
        self.values: list[int] = []

    def __call__(self, value: int) -> str:
        if value in (0, 1):
            return str(value)
        self.values.append(value)
        return f"q{len(self.values) - 1}"


class _Loops:
    """Loop nests over groups of axes; gives each view's index expression in the loop variables."""

    def __init__(self, shape: tuple[int, ...], groups: list[tuple[str, list[int]]], views: list[View],
                 nums: _Numbers) -> None:
        self.nums = nums
        self.vars: list[list[tuple[str, int]]] = []  # per group, the loops (name, trip count)
        self.strides: list[list[list[int]]] = []  # per group, per view, the collapsed strides
        self.headers: list[list[str]] = []
        self.index: dict[int, str] = {}
        views = list({id(v): v for v in views}.values())  # a View object shared by two loads is indexed once
        self.views = views
        terms: dict[int, list[str]] = {id(v): [] for v in views}
        for prefix, axes in groups:
            g_shape, g_strides = collapse([shape[a] for a in axes], [[v.strides[a] for a in axes] for v in views])
            header = []
            self.vars.append([(f"{prefix}{k}", n) for k, n in enumerate(g_shape)])
            self.strides.append(g_strides)
            for k, n in enumerate(g_shape):
                name = f"{prefix}{k}"
                header.append(f"for (int64_t {name} = 0; {name} < {nums(n)}; {name}++)")
                for v, st in zip(views, g_strides, strict=True):
                    if st[k] == 1:
                        terms[id(v)].append(name)
                    elif st[k] != 0:
                        terms[id(v)].append(f"{name}*{nums(st[k])}")
            self.headers.append(header)
        for v in views:
            parts = ([nums(v.offset)] if v.offset else []) + terms[id(v)]
            self.index[id(v)] = " + ".join(parts) or "0"


class _Body:
    """Emits one C statement per expression node (each computed once) and remembers its variable."""

    def __init__(self, loops: _Loops, prefix: str = "t") -> None:
        self.loops = loops
        self.prefix = prefix
        self.names: dict[int, str] = {}
        self.lines: list[str] = []

    def emit(self, expr: Expr) -> str:
        for e in walk(expr):
            if id(e) in self.names:
                continue
            value = self._value(e)
            if isinstance(e, Const):
                self.names[id(e)] = value
                continue
            name = f"{self.prefix}{len(self.names)}"
            self.lines.append(f"{ctype(e.dtype)} {name} = {value};")
            self.names[id(e)] = name
        return self.names[id(expr)]

    def _value(self, e: Expr) -> str:
        if isinstance(e, Load):
            idx = self.loops.index[id(e.view)]
            if e.dyn is not None:
                stride, index = e.dyn
                idx = f"{idx} + (int64_t){self.names[id(index)]}*{self.loops.nums(stride)}"
            return f"d{e.buf}[{idx}]"
        if isinstance(e, Const):
            return literal(e.value, e.dtype)
        if isinstance(e, Rand):
            idx = self.loops.index[id(e.view)]
            if e.kind == "uniform":
                return f"b2i_uniform_{ctype(e.dtype)}(params[{e.param}], (uint64_t)({idx}))"
            return f"({ctype(e.dtype)})b2i_normal(params[{e.param}], (uint64_t)({idx}))"
        return _alu(e, [self.names[id(s)] for s in e.srcs])


def _alu(e: Alu, a: list[str]) -> str:
    d, op, t = e.dtype, e.op, ctype(e.dtype)
    src = e.srcs[0].dtype
    f = "f" if (d is float32 or (src is float32 and op not in ("cast",))) else ""
    if op in ("copy",):
        return a[0]
    if op == "cast":
        return f"({a[0]} != 0)" if d is bool_ else f"({t}){a[0]}"
    if op == "where":
        return f"({a[0]} ? {a[1]} : {a[2]})"
    if op in ("lt", "le", "gt", "ge", "eq", "ne"):
        sym = {"lt": "<", "le": "<=", "gt": ">", "ge": ">=", "eq": "==", "ne": "!="}[op]
        return f"({a[0]} {sym} {a[1]})"
    if d is bool_ and op in ("add", "mul", "max", "min"):
        return f"({a[0]} {'|' if op in ('add', 'max') else '&'} {a[1]})"
    if op in ("add", "sub", "mul", "and", "or", "xor"):
        sym = {"add": "+", "sub": "-", "mul": "*", "and": "&", "or": "|", "xor": "^"}[op]
        return f"({t})({a[0]} {sym} {a[1]})"
    if op == "div":
        return f"({a[0]} / {a[1]})"
    if op in ("floordiv", "mod"):
        if d.is_float:
            return f"b2i_f{'div' if op == 'floordiv' else 'mod'}_{t}({a[0]}, {a[1]})"
        return f"b2i_i{'div' if op == 'floordiv' else 'mod'}_{d.name}({a[0]}, {a[1]})"
    if op == "pow":
        return f"pow{f}({a[0]}, {a[1]})" if d.is_float else f"b2i_ipow_{d.name}({a[0]}, {a[1]})"
    if op == "max":
        return f"(({a[0]} > {a[1]} || {a[0]} != {a[0]}) ? {a[0]} : {a[1]})"
    if op == "min":
        return f"(({a[0]} < {a[1]} || {a[0]} != {a[0]}) ? {a[0]} : {a[1]})"
    if op == "neg":
        return f"({t})(-{a[0]})"
    if op == "abs":
        if d.kind in "ub":
            return a[0]
        return f"fabs{f}({a[0]})" if d.is_float else f"({a[0]} < 0 ? ({t})(-{a[0]}) : {a[0]})"
    if op == "not":
        return f"(!{a[0]})" if d is bool_ else f"({t})(~{a[0]})"
    if d is float32 and op in ("exp", "tanh", "sigmoid"):
        return f"b2i_{op}f({a[0]})"
    if op in _FLOAT_FN:
        return f"{op}{f}({a[0]})"
    if op == "sigmoid":
        return f"(({t})1 / (({t})1 + exp{f}(-{a[0]})))"
    if op == "relu":
        return a[0] if d.kind in "ub" else f"({a[0]} < 0 ? ({t})0 : {a[0]})"
    raise NotImplementedError(f"no C for op {op}")


def _signature(kernel: Kernel, name: str, nums: _Numbers) -> list[str]:
    lines = [f"void {name}(void **bufs, const uint64_t *params) {{", "  (void)params;"]
    for i, d in enumerate(kernel.dtypes):
        const = "" if i == 0 else "const "
        lines.append(f"  {const}{ctype(d)} *restrict d{i} = ({const}{ctype(d)} *)bufs[{i}];")
    for i in range(len(nums.values)):
        lines.append(f"  const int64_t q{i} = (int64_t)params[{kernel.nparams + i}];")
    return lines


def _nest(headers: list[str], body: list[str], depth: int) -> list[str]:
    out = []
    for k, h in enumerate(headers):
        out.append("  " * (depth + k) + h + " {")
    out += ["  " * (depth + len(headers)) + line for line in body]
    out += ["  " * (depth + k) + "}" for k in reversed(range(len(headers)))]
    return out


def _views(expr: Expr) -> list[View]:
    return [e.view for e in walk(expr) if isinstance(e, Load | Rand)]


RENDERED_LIMIT = 4096  # remembered renderings; past this the memo starts over (shapes that keep changing)
_rendered: dict[tuple, tuple[str, list[int]]] = {}
_by_kernel: weakref.WeakKeyDictionary[Kernel, tuple[str, list[int]]] = weakref.WeakKeyDictionary()


def render(kernel: Kernel, name: str = "kernel") -> tuple[str, list[int]]:
    """The C source of one kernel (with the prelude), ready for `cc -shared`, and the numbers it takes after
    the kernel's own params (sizes, strides and offsets, as two's-complement 64-bit values).
    Remembered by the kernel's structure: a repeated training step renders nothing. Returns the same str
    object each time, so callers keying on it hash it only once."""
    hit = _by_kernel.get(kernel) if name == "kernel" else None  # a replayed schedule reuses its Kernel objects
    if hit is None:
        key = (name, structure(kernel))
        hit = _rendered.get(key)
        if hit is None:
            if len(_rendered) >= RENDERED_LIMIT:
                _rendered.clear()
            hit = _rendered[key] = _render(kernel, name)
        if name == "kernel":
            _by_kernel[kernel] = hit
    return hit[0], list(hit[1])


def _render(kernel: Kernel, name: str) -> tuple[str, list[int]]:
    nums = _Numbers()
    if kernel.kind == "matmul":
        return _render_matmul_program(kernel, name, nums)
    if kernel.kind == "reduce":
        body = _render_reduce(kernel, nums)
    else:
        body = _render_elementwise(kernel, nums)
    lines = _signature(kernel, name, nums) + body + ["}"]
    return PRELUDE + "\n".join(lines) + "\n", [v & 0xFFFFFFFFFFFFFFFF for v in nums.values]


def _render_elementwise(kernel: Kernel, nums: _Numbers) -> list[str]:
    views = [kernel.out, *_views(kernel.expr)]
    loops = _Loops(kernel.shape, [("i", list(range(len(kernel.shape))))], views, nums)
    body = _Body(loops)
    value = body.emit(kernel.expr)
    stmt = body.lines + [f"d0[{loops.index[id(kernel.out)]}] = {value};"]
    return _nest(loops.headers[0], stmt, 1)


def _reduce_parts(op: str, src: DType, dst: DType, value: str, acc: str) -> tuple[str, str, str, str]:
    """(accumulator C type, initial value, statement folding `value` into `acc`, the result) for one reduction."""
    if op in ("sum", "prod"):
        acc_t = "double" if dst.is_float else ctype(dst)
        if dst is bool_:
            return acc_t, "0" if op == "sum" else "1", f"{acc} = {acc} {'|' if op == 'sum' else '&'} {value};", acc
        sym = "+" if op == "sum" else "*"
        return acc_t, "0" if op == "sum" else "1", f"{acc} = ({acc_t})({acc} {sym} {value});", f"({ctype(dst)}){acc}"
    if src.is_float:
        init = "(-INFINITY)" if op in ("max", "argmax") else "INFINITY"
    else:
        init = _lowest(src) if op in ("max", "argmax") else _highest(src)
    sym = ">" if op in ("max", "argmax") else "<"
    if op in ("max", "min"):  # NaN wins, as in numpy
        return ctype(src), init, f"{acc} = ({value} {sym} {acc} || {value} != {value}) ? {value} : {acc};", acc
    # argmax / argmin: the first position of the extreme value (the first NaN wins, as in numpy)
    fold = f"if ({value} {sym} {acc} || ({value} != {value} && {acc} == {acc})) {{ {acc} = {value}; best = pos; }}"
    return ctype(src), init, fold + " pos++;", "best"


COLUMNS = 2048  # accumulators per block when reducing across rows (16 KB of doubles: in L1 cache)


def _render_reduce(kernel: Kernel, nums: _Numbers) -> list[str]:
    """Row mode: one accumulator per output, the reduced loops innermost (vectorized with `omp simd`).
    Column mode, when the reduced axes are strided but the kept innermost axis is contiguous: a block of
    accumulators walks the rows, so every load is contiguous (sum over axis 0 of a row-major matrix)."""
    shape, axes, op = kernel.shape, kernel.axes, kernel.reduce_op
    kept = [a for a in range(len(shape)) if a not in axes]
    out = View(shape, tuple(0 if a in axes else s for a, s in enumerate(kernel.out.strides)), kernel.out.offset)
    epilogue = kernel.epilogue
    views = [out, *_views(kernel.expr), *(_views(epilogue) if epilogue is not None else [])]
    loops = _Loops(shape, [("i", kept), ("r", list(axes))], views, nums)
    body = _Body(loops)
    value = body.emit(kernel.expr)
    acc_node = next((e for e in walk(epilogue) if isinstance(e, Acc)), None) if epilogue is not None else None
    src, dst = kernel.expr.dtype, (acc_node.dtype if acc_node is not None else kernel.dtypes[0])

    def store(result: str) -> list[str]:
        """Write one output element: the reduced value, or what the epilogue makes of it."""
        if epilogue is None:
            return [f"d0[{loops.index[id(out)]}] = {result};"]
        tail = _Body(loops, prefix="e")
        tail.names[id(acc_node)] = "red"
        value = tail.emit(epilogue)
        return [f"{ctype(dst)} red = {result};", *tail.lines, f"d0[{loops.index[id(out)]}] = {value};"]

    kept_vars, red_vars = loops.vars
    kept_inner = [st[-1] for st in loops.strides[0]] if kept_vars else []  # loops.views[0] is `out`
    red_inner = [st[-1] for st in loops.strides[1][1:]] if red_vars else []
    columns = (op in ("sum", "prod", "max", "min") and kept_vars and red_vars and all(s in (0, 1) for s in kept_inner)
               and kept_inner[0] == 1 and not any(s == 1 for s in red_inner))
    if columns:
        return _render_columns(loops, body, value, op, src, dst, store)
    acc_t, init, fold, result = _reduce_parts(op, src, dst, value, "acc")
    pre = [f"{acc_t} acc = {init};"]
    if op in ("argmax", "argmin"):
        pre.append("int64_t best = 0, pos = 0;")
        if not axes:
            fold, result = "", "0"
    headers = list(loops.headers[1])
    if headers and op in ("sum", "prod"):
        sym = ("|" if op == "sum" else "&") if dst is bool_ else ("+" if op == "sum" else "*")
        headers[-1] = f"_Pragma(\"omp simd reduction({sym}:acc)\") " + headers[-1]
    elif headers and op in ("max", "min"):
        # the vectorizer knows max/min folds; NaNs are tracked on the side and win at the end
        sym = ">" if op == "max" else "<"
        fold = f"acc = {value} {sym} acc ? {value} : acc; nan |= {value} != {value};"
        pre.append("int nan = 0;")
        result = f"(nan ? ({acc_t})NAN : acc)" if src.is_float else "acc"
        headers[-1] = f"_Pragma(\"omp simd reduction({op}:acc) reduction(|:nan)\") " + headers[-1]
    inner = _nest(headers, body.lines + [fold], 0)
    stmt = pre + inner + store(result)
    return _nest(loops.headers[0], stmt, 1)


UNROLL_ROWS = 8  # rows folded into a block of accumulators per pass over it (a power of two: summed in pairs)
UNROLL_FROM = 1024  # block width from which that pays (narrower blocks measured faster one row at a time)


def _render_columns(loops: _Loops, body: _Body, value: str, op: str, src: DType, dst: DType, store) -> list[str]:
    """A block of up to COLUMNS accumulators (one per kept column) walks the rows, so every load is contiguous.

    In a wide block the innermost reduced loop takes UNROLL_ROWS rows per pass, so each accumulator is loaded
    and stored once per UNROLL_ROWS rows instead of once per row. A float sum first adds those rows' values in
    pairs, in their own type, and then the total into its double accumulator: one conversion and one double
    add per UNROLL_ROWS values instead of one each (the conversions bound a float32 column sum's speed). The
    pairs' rounding (at most 3 float32 ulps of a sum of 8 values) stays far below numpy's, whose float32 column
    sum adds row after row in float32. Other reductions fold the rows one by one, in order, as before."""
    last, count = loops.vars[0][-1]
    count = loops.nums(count)
    row, rows = loops.vars[1][-1]
    rows = loops.nums(rows)
    acc_t, init, fold, result = _reduce_parts(op, src, dst, value, "acc[j]")
    pairwise = op == "sum" and dst.is_float

    def one_row(u: int) -> list[str]:
        """Row r + u of the pass: its value, folded in, or (pairwise) kept in v{u}."""
        lines = [f"int64_t {row} = {row}b + {u};", *body.lines, f"v{u} = {value};" if pairwise else fold]
        return ["{", *("  " + line for line in lines), "}"]

    if pairwise:
        terms = [f"v{u}" for u in range(UNROLL_ROWS)]
        while len(terms) > 1:
            terms = [f"({x} + {y})" for x, y in zip(terms[::2], terms[1::2], strict=True)]
        total = f"({ctype(src)}){terms[0]}"
        pass_lines = [f"{ctype(src)} {', '.join(f'v{u}' for u in range(UNROLL_ROWS))};",
                      *(line for u in range(UNROLL_ROWS) for line in one_row(u)),
                      _reduce_parts(op, src, dst, total, "acc[j]")[2]]
    else:
        pass_lines = [line for u in range(UNROLL_ROWS) for line in one_row(u)]
    unrolled = [f"for (; {row}b + {UNROLL_ROWS} <= {rows}; {row}b += {UNROLL_ROWS})",
                "  for (int64_t j = 0; j < jn; j++) {",
                f"    int64_t {last} = j0 + j;",
                *("    " + line for line in pass_lines),
                "  }"]
    rest = [f"for (int64_t {row} = {row}b; {row} < {rows}; {row}++)",
            "  for (int64_t j = 0; j < jn; j++) {",
            f"    int64_t {last} = j0 + j;",
            *("    " + line for line in [*body.lines, fold]),
            "  }"]
    rows_loop = [f"int64_t {row}b = 0;", f"if (jn >= {UNROLL_FROM})", *("  " + line for line in unrolled), *rest]
    block = [
        f"for (int64_t j0 = 0; j0 < {count}; j0 += {COLUMNS}) {{",
        f"  int64_t jn = {count} - j0 < {COLUMNS} ? {count} - j0 : {COLUMNS};",
        f"  {acc_t} acc[{COLUMNS}];",
        f"  for (int64_t j = 0; j < jn; j++) acc[j] = {init};",
        *("  " + line for line in _nest(loops.headers[1][:-1], rows_loop, 0)),
        "  for (int64_t j = 0; j < jn; j++) {",
        f"    int64_t {last} = j0 + j;",
        *("    " + line for line in store(result)),
        "  }",
        "}",
    ]
    return _nest(loops.headers[0][:-1], block, 1)


MR, KC, NC = 6, 256, 512  # micro-tile rows, k-block, column block
NR_BYTES = 128  # micro-tile row width: two 512-bit vectors (32 floats, 16 doubles), so MR x 2 accumulators
THREADED_WORK = 1 << 24  # multiply-adds from which a matmul is split across threads (below: one thread)

THREADS = r"""
#ifdef B2I_THREADS  /* the c device builds with threads; the b2i machine runs everything in one */
#include <pthread.h>
#include <unistd.h>
static int b2i_threads(void) {
  static int n = 0;
  if (!n) {
    const char *env = getenv("B2I_THREADS");
    long k = env ? atol(env) : sysconf(_SC_NPROCESSORS_ONLN);
    n = k < 1 ? 1 : k > 16 ? 16 : (int)k;
  }
  return n; }
struct b2i_job { void **bufs; const uint64_t *params; int part, parts; };
static void *b2i_job_run(void *arg) {
  struct b2i_job *job = arg;
  NAME_part(job->bufs, job->params, job->part, job->parts);
  return 0; }
#endif
"""


def _render_matmul_program(kernel: Kernel, name: str, nums: _Numbers) -> tuple[str, list[int]]:
    """`name_part(bufs, params, part, parts)` computes rows part/parts of every output matrix; `name` runs it
    once, or, for big products on the c device, on threads that each take a band of rows."""
    body, work = _render_matmul(kernel, nums)
    head = _signature(kernel, name, nums)
    part = [f"static void {name}_part(void **bufs, const uint64_t *params, int part, int parts) {{", *head[1:]]
    main = [
        *head,
        "  int parts = 1;",
        "#ifdef B2I_THREADS",
        f"  if ({work} >= {THREADED_WORK}) parts = b2i_threads();",
        "  if (parts > 1) {",
        "    pthread_t tid[16];",
        "    struct b2i_job jobs[16];",
        "    int started = 0;",
        "    for (int t = 1; t < parts; t++) {",
        "      jobs[t] = (struct b2i_job){bufs, params, t, parts};",
        "      if (pthread_create(&tid[t], 0, b2i_job_run, &jobs[t]) != 0) break;",
        "      started = t;",
        "    }",
        f"    {name}_part(bufs, params, 0, parts);",
        f"    for (int t = started + 1; t < parts; t++) {name}_part(bufs, params, t, parts);  /* not started */",
        "    for (int t = 1; t <= started; t++) pthread_join(tid[t], 0);",
        "    return;",
        "  }",
        "#endif",
        f"  {name}_part(bufs, params, 0, 1);",
        "}",
    ]
    threads = THREADS.replace("NAME", name)
    source = PRELUDE + "\n".join(part + body + ["}"]) + "\n" + threads + "\n".join(main) + "\n"
    return source, [v & 0xFFFFFFFFFFFFFFFF for v in nums.values]


def _render_matmul(kernel: Kernel, nums: _Numbers) -> tuple[list[str], str]:
    """Blocked C = A @ B per batch element (GotoBLAS style, written for the C compiler to vectorize), for the
    rows of this part; and the C expression of the number of multiply-adds.

    A block of B (KC x NC) is packed into NR-wide panels (zero padded) and a block of A (MR x KC) into one
    panel, so the inner loops read memory front to back; then each MR x NR tile of C is accumulated in a
    small local array that the compiler keeps in vector registers (MR x 2 vectors: enough independent
    multiply-adds in flight to keep both FMA units busy).
    """
    a, b, shape = kernel.a, kernel.b, kernel.shape
    nb = len(shape) - 2
    m, n = shape[-2:]
    k = a.shape[-1]
    d = kernel.dtypes[0]
    t = ctype(d)
    nr = NR_BYTES // d.itemsize if d.itemsize >= 4 else 32
    out = kernel.out
    batch_views = [View(shape[:nb], out.strides[:nb], 0), View(shape[:nb], a.strides[:nb], a.offset),
                   View(shape[:nb], b.strides[:nb], b.offset)]
    loops = _Loops(shape[:nb], [("n", list(range(nb)))], batch_views, nums)
    oc, oa, ob = (loops.index[id(v)] for v in batch_views)
    asi, ask = (nums(s) for s in a.strides[-2:])
    bsk, bsj = (nums(s) for s in b.strides[-2:])
    batch = " * ".join(f"(int64_t){nums(s)}" for s in shape[:nb]) or "1"
    m, n, k = nums(m), nums(n), nums(k)
    work = f"({batch}) * (int64_t){m} * {n} * {k}"
    if d is bool_:
        fma = "acc[r][c] |= av & bp[c]"
    elif d is float32:
        fma = "acc[r][c] = fmaf(av, bp[c], acc[r][c])"
    elif d is float64:
        fma = "acc[r][c] = fma(av, bp[c], acc[r][c])"
    else:
        fma = f"acc[r][c] = ({t})(acc[r][c] + av * bp[c])"
    add = "C[(i0 + r)*N + j + c] |= acc[r][c]" if d is bool_ else \
        f"C[(i0 + r)*N + j + c] = ({t})(C[(i0 + r)*N + j + c] + acc[r][c])"
    tile = [
        f"{t} acc[{MR}][{nr}] = {{{{0}}}};",
        "for (int64_t kk = 0; kk < kb; kk++) {",
        f"  const {t} *restrict bp = panel + kk*{nr};",
        "  PRAGMA_UNROLL",
        "  for (int r = 0; r < MROWS; r++) {",
        f"    {t} av = apack[kk*{MR} + r];",
        f"    for (int c = 0; c < {nr}; c++) {fma};",
        "  }",
        "}",
        f"int64_t w = N - j < {nr} ? N - j : {nr};",
        "for (int r = 0; r < MROWS; r++)",
        f"  for (int c = 0; c < w; c++) {add};",
    ]
    full = [line.replace("MROWS", str(MR)).replace("PRAGMA_UNROLL", f"#pragma GCC unroll {MR}") for line in tile]
    rest = [line.replace("MROWS", "mr") for line in tile if "PRAGMA_UNROLL" not in line]
    body = [
        f"{t} *restrict C = d0 + ({oc});",
        f"const {t} *restrict A = d1 + ({oa});",
        f"const {t} *restrict B = d2 + ({ob});",
        f"const int64_t M = {m}, N = {n}, K = {k};",
        "(void)K;",
        f"/* this part's rows: a band of whole {MR}-row tiles */",
        f"int64_t tiles = (M + {MR - 1}) / {MR};",
        f"int64_t ilo = tiles * part / parts * {MR}, ihi = tiles * (part + 1) / parts * {MR};",
        "if (ihi > M) ihi = M;",
        "if (ilo >= ihi) continue;",
        "for (int64_t x = ilo*N; x < ihi*N; x++) C[x] = 0;",
        f"for (int64_t j0 = 0; j0 < N; j0 += {NC}) {{",
        f"  int64_t j1 = j0 + {NC} < N ? j0 + {NC} : N;",
        f"  for (int64_t k0 = 0; k0 < K; k0 += {KC}) {{",
        f"    int64_t kb = K - k0 < {KC} ? K - k0 : {KC};",
        f"    for (int64_t j = j0; j < j1; j += {nr}) {{  /* pack B[k0:k0+kb, j:j+{nr}] as one panel */",
        f"      {t} *restrict panel = pack + (j - j0)*kb;",
        "      for (int64_t kk = 0; kk < kb; kk++)",
        f"        for (int c = 0; c < {nr}; c++)",
        f"          panel[kk*{nr} + c] = j + c < j1 ? B[(k0 + kk)*{bsk} + (j + c)*{bsj}] : 0;",
        "    }",
        f"    for (int64_t i0 = ilo; i0 < ihi; i0 += {MR}) {{",
        f"      int mr = ihi - i0 < {MR} ? (int)(ihi - i0) : {MR};",
        "      for (int64_t kk = 0; kk < kb; kk++)  /* pack A[i0:i0+mr, k0:k0+kb] */",
        "        for (int r = 0; r < mr; r++)",
        f"          apack[kk*{MR} + r] = A[(i0 + r)*{asi} + (k0 + kk)*{ask}];",
        f"      for (int64_t j = j0; j < j1; j += {nr}) {{",
        f"        const {t} *restrict panel = pack + (j - j0)*kb;",
        f"        if (mr == {MR}) {{",
        *("          " + line for line in full),
        "        } else {",
        *("          " + line for line in rest),
        "        }",
        "      }",
        "    }",
        "  }",
        "}",
    ]
    alloc = [  # once per call, shared by every batch element; as big as the blocks of this product need
        f"  int64_t kcap = {k} < {KC} ? {k} : {KC}, ncap = {n} < {NC} ? {n} : {NC};",
        f"  {t} *pack = malloc(sizeof({t}) * (kcap * (ncap + {nr} + {MR}) + 1)), *apack = pack + kcap * (ncap + {nr});",
        "  if (!pack) return;"]
    if not loops.headers[0]:  # no batch loop: `continue` needs one
        body = ["do {", *("  " + line for line in body), "} while (0);"]
    return alloc + _nest(loops.headers[0], body, 1) + ["  free(pack);"], work
