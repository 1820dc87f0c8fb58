"""llvmlite glue: one MCJIT engine per host process, an on-disk cache of object code, and the dispatcher.

Every module goes IR -> optimised IR -> object code for this host CPU. The object bytes are stored under the
cache folder by a hash of (IR, CPU, LLVM version); a later run, or another process, loads them instead of
running LLVM's optimiser and code generator, which is most of the cost of a block (a few milliseconds).

The dispatcher is native too, so that a hot loop spanning several blocks never returns to Python:

    pc = state[PC]
    while state[INSTRET] < state[LIMIT]:
        slot = (pc >> 1) & MASK                  # a direct-mapped jump cache
        if tags[slot] != pc: break               # not translated (yet): Python decides
        pc = functions[slot](state, mem, pagemap, tags, functions)
        if state[EXIT]: break                    # the block wants the reference or a flush

Blocks also chain among themselves: a block's normal exit looks its successor up in the same jump cache and
tail-calls it (see `translate.CHAIN`), so the loop above runs once per chain, not once per block.
    state[PC] = pc
"""

import contextlib
import hashlib
import os
import pathlib
import time

import llvmlite.binding as llvm
from b2i.sim.fast.translate import DECLARATIONS, EXIT, INSTRET, JUMP_CACHE, LIMIT, PC

CODE_VERSION = 2

DISPATCHER = f"""
define i64 @dispatch(ptr %state, ptr %mem, ptr %pagemap, ptr %tags, ptr %functions) {{
entry:
  %pc.p = getelementptr i64, ptr %state, i64 {PC}
  %instret.p = getelementptr i64, ptr %state, i64 {INSTRET}
  %limit.p = getelementptr i64, ptr %state, i64 {LIMIT}
  %exit.p = getelementptr i64, ptr %state, i64 {EXIT}
  %pc0 = load i64, ptr %pc.p
  br label %loop
loop:
  %pc = phi i64 [ %pc0, %entry ], [ %next, %ran ]
  %instret = load i64, ptr %instret.p
  %limit = load i64, ptr %limit.p
  %go = icmp ult i64 %instret, %limit
  br i1 %go, label %lookup, label %out
lookup:
  %half = lshr i64 %pc, 1
  %slot = and i64 %half, {JUMP_CACHE - 1}
  %tag.p = getelementptr i64, ptr %tags, i64 %slot
  %tag = load i64, ptr %tag.p
  %hit = icmp eq i64 %tag, %pc
  br i1 %hit, label %run, label %out
run:
  %function.p = getelementptr i64, ptr %functions, i64 %slot
  %function.i = load i64, ptr %function.p
  %function = inttoptr i64 %function.i to ptr
  %next = call i64 %function(ptr %state, ptr %mem, ptr %pagemap, ptr %tags, ptr %functions)
  %reason = load i64, ptr %exit.p
  %normal = icmp eq i64 %reason, 0
  br i1 %normal, label %ran, label %out
ran:
  br label %loop
out:
  %final = phi i64 [ %pc, %loop ], [ %pc, %lookup ], [ %next, %run ]
  store i64 %final, ptr %pc.p
  ret i64 %final
}}
"""


def default_cache_dir() -> pathlib.Path:
    """$B2I_FAST_CACHE, else ~/.cache/b2i-sim/fast."""
    configured = os.environ.get("B2I_FAST_CACHE")
    return pathlib.Path(configured) if configured else pathlib.Path.home() / ".cache" / "b2i-sim" / "fast"


def cache_limit() -> int:
    """Bytes the disk cache may hold: $B2I_FAST_CACHE_MB megabytes, else 512 MB."""
    return int(os.environ.get("B2I_FAST_CACHE_MB", "512")) << 20


PRUNE_EVERY = 3600.0  # seconds between two looks at the cache's size (otherwise a run costs one stat)


def prune_cache(folder: pathlib.Path, limit: int, now: float | None = None) -> int:
    """Keep the object cache under `limit` bytes by deleting the objects written longest ago, down to 3/4 of it,
    at most once per PRUNE_EVERY (a marker file's time says when it last looked). Returns the bytes freed."""
    now = time.time() if now is None else now
    marker = folder / "last-pruned"
    try:
        if now - marker.stat().st_mtime < PRUNE_EVERY:
            return 0
    except OSError:
        pass  # never pruned: look now
    try:
        folder.mkdir(parents=True, exist_ok=True)
        marker.touch()
        os.utime(marker, (now, now))
        objects = [(entry.stat().st_mtime, entry.stat().st_size, entry) for entry in folder.glob("??/*.o")]
    except OSError:
        return 0  # a read-only or vanished folder: nothing to keep small
    total = sum(size for _, size, _ in objects)
    freed = 0
    for _, size, path in sorted(objects, key=lambda item: (item[0], item[2].name)):  # oldest first
        if total - freed <= limit * 3 // 4 or total <= limit:
            break
        try:
            path.unlink()
            freed += size
        except OSError:
            pass  # another process removed it first
    return freed


class Native:
    """Compiles modules of IR text to callable addresses, through the disk cache."""

    def __init__(self, cache_dir: pathlib.Path | None = None) -> None:
        llvm.initialize_native_target()
        llvm.initialize_native_asmprinter()
        target = llvm.Target.from_triple(llvm.get_process_triple())
        cpu, features = llvm.get_host_cpu_name(), llvm.get_host_cpu_features().flatten()
        self.machine = target.create_target_machine(cpu=cpu, features=features, opt=2, codemodel="jitdefault")
        self.engine = llvm.create_mcjit_compiler(llvm.parse_assembly(""), self.machine)
        # what else decides the object code: bump CODE_VERSION when the pipeline or the generated code's ABI changes
        self.fingerprint = f"{CODE_VERSION} {llvm.llvm_version_info} {cpu} {features}".encode()
        self.cache_dir = cache_dir if cache_dir is not None else default_cache_dir()
        prune_cache(self.cache_dir, cache_limit())
        self.objects: list = []  # keep the object files alive: their code is what runs
        self.compile_seconds = 0.0
        self.compiled = 0
        self.cache_hits = 0
        self.loaded: dict[str, int] = {}
        self.dispatch = self.compile(DISPATCHER, ["dispatch"])["dispatch"]

    def _optimise(self, module) -> None:
        """LLVM's -O2 pipeline: a shorter hand-picked one (SROA, instcombine, GVN) compiled 25% faster but made
        the benchmark's loops 25% slower (no LICM or loop rotation), and the hot threshold already keeps the
        number of compiled blocks small."""
        options = llvm.create_pipeline_tuning_options(speed_level=2)
        builder = llvm.create_pass_builder(self.machine, options)
        builder.getModulePassManager().run(module, builder)

    def compile_block(self, ir: str, cached_only: bool = False) -> int | None:
        """The address of a block's function (`@block` in the IR), renamed by its hash: equal code, one copy.
        With cached_only, None unless the code is loaded already or on disk (no LLVM work)."""
        key = hashlib.sha256(ir.encode()).hexdigest()[:24]
        if key not in self.loaded:
            name = f"block_{key}"
            addresses = self.compile(ir.replace("@block(", f"@{name}("), [name], cached_only)
            if addresses is None:
                return None
            self.loaded[key] = addresses[name]
        return self.loaded[key]

    def compile(self, ir: str, names: list[str], cached_only: bool = False) -> dict[str, int] | None:
        """Addresses of the named functions of a module (IR text without the shared declarations)."""
        started = time.perf_counter()
        text = ir + DECLARATIONS
        key = hashlib.sha256(self.fingerprint + text.encode()).hexdigest()
        path = self.cache_dir / key[:2] / f"{key}.o"
        try:
            data = path.read_bytes()
            self.cache_hits += 1
            with contextlib.suppress(OSError):  # recently used: the last to go when the cache is pruned
                os.utime(path)
        except OSError:
            if cached_only:
                return None
            module = llvm.parse_assembly(text)
            module.verify()
            self._optimise(module)
            data = self.machine.emit_object(module)
            self._store(path, data)
        obj = llvm.ObjectFileRef.from_data(data)
        self.objects.append(obj)
        self.engine.add_object_file(obj)
        self.engine.finalize_object()
        addresses = {name: self.engine.get_function_address(name) for name in names}
        self.compile_seconds += time.perf_counter() - started
        self.compiled += 1
        return addresses

    @staticmethod
    def _store(path: pathlib.Path, data: bytes) -> None:
        """Write atomically (rename), so parallel runs sharing the folder never read half a file."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.tmp")
            partial.write_bytes(data)
            os.replace(partial, path)
        except OSError:
            pass  # a read-only or full disk only costs the next run its compile time


_shared: dict[pathlib.Path, Native] = {}


def native(cache_dir: pathlib.Path | None = None) -> Native:
    """The one Native per cache folder in this host process (creating an LLVM engine costs tens of ms)."""
    folder = cache_dir if cache_dir is not None else default_cache_dir()
    if folder not in _shared:
        _shared[folder] = Native(folder)
    return _shared[folder]
