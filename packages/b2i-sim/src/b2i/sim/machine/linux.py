"""A Linux riscv64 process in user mode: the initial stack (argc, argv, envp, auxv) and the system calls.

The guest sees the Linux ABI (stack.md section 3), enough for static glibc and for b2i-cc's libc. Files are
confined to a root folder: the guest's `/` is the root, `..` stops there, and a path (or a symlink) that
resolves outside it is refused with EACCES. Randomness (AT_RANDOM, getrandom) comes from a fixed seed so
runs are reproducible; time comes from the host. A call the table does not implement returns -ENOSYS.
"""

import errno
import fcntl
import os
import posixpath
import random
import stat
import struct
import time
from collections.abc import Callable
from typing import BinaryIO, TextIO

from b2i.sim.machine.hart import Hart
from b2i.sim.machine.loader import Image
from b2i.sim.machine.memory import PAGE, PagedMemory
from b2i.sim.machine.syscall_numbers import SYSCALLS
from b2i.sim.machine.trap import GuestExit, Trap

M64 = (1 << 64) - 1
STACK_TOP = 0x3F_FFFF_F000
STACK_SIZE = 8 << 20
MMAP_BASE = 0x20_0000_0000
AT_FDCWD = -100
AT_EMPTY_PATH, AT_REMOVEDIR = 0x1000, 0x200
PID = 4242

# auxiliary vector keys
AT_NULL, AT_PHDR, AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_BASE, AT_FLAGS, AT_ENTRY = 0, 3, 4, 5, 6, 7, 8, 9
AT_UID, AT_EUID, AT_GID, AT_EGID, AT_PLATFORM, AT_HWCAP, AT_CLKTCK = 11, 12, 13, 14, 15, 16, 17
AT_SECURE, AT_RANDOM, AT_EXECFN = 23, 25, 31
HWCAP_RV64GC = sum(1 << (ord(letter) - ord("a")) for letter in "imafdc")

# open flags of the generic Linux ABI -> the host's
OPEN_FLAGS = {0o100: os.O_CREAT, 0o200: os.O_EXCL, 0o1000: os.O_TRUNC, 0o2000: os.O_APPEND,
              0o200000: os.O_DIRECTORY, 0o4000: os.O_NONBLOCK}
MAP_FIXED, MAP_ANONYMOUS, MAP_FIXED_NOREPLACE = 0x10, 0x20, 0x100000
TCGETS, TIOCGWINSZ = 0x5401, 0x5413
RLIM_INFINITY = M64


def _page_up(n: int) -> int:
    return (n + PAGE - 1) & ~(PAGE - 1)


class Stream:
    """Standard input, output or error of the guest: bytes in memory, or a host file."""

    def __init__(self, read: Callable[[int], bytes] | None = None, write: Callable[[bytes], None] | None = None,
                 tty: bool = False):
        self.read_fn, self.write_fn, self.tty = read, write, tty


class Process:
    """A loaded program with its memory, hart, open files and system calls."""

    def __init__(self, image: Image, argv: list[str], env: list[str], stdin: Stream, stdout: Stream,
                 stderr: Stream, root: str, strace: TextIO | None = None, exe_name: str = "program"):
        self.memory = PagedMemory()
        self.hart = Hart(system=False)
        self.hart.load, self.hart.store, self.hart.fetch = self.memory.load, self.memory.store, self.memory.fetch
        self.hart.syscall = self.syscall
        self.root = os.path.realpath(root)
        self.cwd = "/"
        self.strace = strace
        self.exe_name = exe_name
        self.random = random.Random(0xB21)
        self.files: dict[int, Stream | int] = {0: stdin, 1: stdout, 2: stderr}
        self.guest_paths: dict[int, str] = {}
        self.listings: dict[int, list[bytes]] = {}  # directory entries not yet returned by getdents64
        for seg in image.segments:
            self.memory.map(seg.vaddr, seg.memsize)
            self.memory.write_bytes(seg.vaddr, seg.data)
        self.brk_start = self.brk = _page_up(image.end)
        self.mmap_next = MMAP_BASE
        self.hart.pc = image.entry
        self.hart.x[2] = self._build_stack(image, argv, env)

    # ---- the initial stack ---------------------------------------------------------------------------------
    def _build_stack(self, image: Image, argv: list[str], env: list[str]) -> int:
        """Lay out argc, argv, envp and auxv as the kernel does; return the initial sp."""
        self.memory.map(STACK_TOP - STACK_SIZE, STACK_SIZE)
        top = STACK_TOP
        pointers = {}

        def push_bytes(data: bytes) -> int:
            nonlocal top
            top -= len(data)
            self.memory.write_bytes(top, data)
            return top

        execfn = push_bytes(self.exe_name.encode() + b"\0")
        platform = push_bytes(b"riscv64\0")
        argv_addrs = [push_bytes(a.encode() + b"\0") for a in argv]
        env_addrs = [push_bytes(e.encode() + b"\0") for e in env]
        top &= ~15
        pointers["random"] = push_bytes(bytes(self.random.getrandbits(8) for _ in range(16)))
        auxv = [(AT_PHDR, image.phdr), (AT_PHENT, image.phent), (AT_PHNUM, image.phnum), (AT_PAGESZ, PAGE),
                (AT_BASE, 0), (AT_FLAGS, 0), (AT_ENTRY, image.entry), (AT_UID, 0), (AT_EUID, 0), (AT_GID, 0),
                (AT_EGID, 0), (AT_PLATFORM, platform), (AT_HWCAP, HWCAP_RV64GC), (AT_CLKTCK, 100),
                (AT_SECURE, 0), (AT_RANDOM, pointers["random"]), (AT_EXECFN, execfn), (AT_NULL, 0)]
        words = [len(argv), *argv_addrs, 0, *env_addrs, 0]
        for key, value in auxv:
            words += [key, value]
        sp = (top - 8 * len(words)) & ~15
        self.memory.write_bytes(sp, b"".join(struct.pack("<Q", w & M64) for w in words))
        return sp

    # ---- dispatch --------------------------------------------------------------------------------------------
    def syscall(self, h: Hart) -> None:
        number = h.x[17]
        args = h.x[10:16]
        name = SYSCALLS.get(number)
        handler = getattr(self, f"sys_{name}", None) if name else None
        shown = f"{name or f'syscall_{number}'}({', '.join(hex(a) for a in args[:4])})"
        result: int | str = -errno.ENOSYS
        try:
            if handler is not None:
                result = handler(*args)
        except OSError as error:
            result = -(error.errno or errno.EIO)
        except Trap:  # a pointer argument into unmapped memory
            result = -errno.EFAULT
        except GuestExit:
            result = "?"  # exit does not return
            raise
        finally:
            if self.strace is not None:
                self.strace.write(f"{shown} = {result}\n")
        h.x[10] = result & M64

    # ---- helpers ---------------------------------------------------------------------------------------------
    def _string(self, addr: int) -> str:
        return self.memory.read_cstring(addr).decode("utf-8", "surrogateescape")

    def _host_path(self, dirfd: int, addr: int, path: str | None = None) -> tuple[str, str]:
        """(guest path, host path) of a path argument, confined to the root; OSError(EACCES) if it escapes."""
        if path is None:
            path = self._string(addr)
        dirfd = dirfd - (1 << 64) if dirfd >> 63 else dirfd
        if path.startswith("/"):
            guest = path
        elif dirfd == AT_FDCWD:
            guest = posixpath.join(self.cwd, path)
        elif dirfd in self.guest_paths:
            guest = posixpath.join(self.guest_paths[dirfd], path)
        else:
            raise OSError(errno.EBADF, "bad dirfd")
        guest = posixpath.normpath("/" + guest)
        guest = "/" + guest.lstrip("/")
        host = os.path.realpath(os.path.join(self.root, guest.lstrip("/")))
        if host != self.root and not host.startswith(self.root + os.sep):
            raise OSError(errno.EACCES, "outside the root")
        return guest, host

    def _file(self, fd: int) -> Stream | int:
        if fd not in self.files:
            raise OSError(errno.EBADF, "bad fd")
        return self.files[fd]

    def _new_fd(self, what: Stream | int, guest_path: str | None = None) -> int:
        fd = 0
        while fd in self.files:
            fd += 1
        self.files[fd] = what
        if guest_path is not None:
            self.guest_paths[fd] = guest_path
        return fd

    def _write_struct(self, addr: int, data: bytes) -> None:
        if addr:
            self.memory.write_bytes(addr, data)

    # ---- files -----------------------------------------------------------------------------------------------
    def sys_read(self, fd, buf, count, *_):
        target = self._file(fd)
        if isinstance(target, Stream):
            if target.read_fn is None:
                return -errno.EBADF
            data = target.read_fn(count)
        else:
            data = os.read(target, count)
        self.memory.write_bytes(buf, data)
        return len(data)

    def sys_write(self, fd, buf, count, *_):
        target = self._file(fd)
        data = self.memory.read_bytes(buf, count)
        if isinstance(target, Stream):
            if target.write_fn is None:
                return -errno.EBADF
            target.write_fn(data)
            return len(data)
        return os.write(target, data)

    def _iovecs(self, iov, count):
        for i in range(count):
            base, length = struct.unpack("<QQ", self.memory.read_bytes(iov + 16 * i, 16))
            yield base, length

    def sys_writev(self, fd, iov, count, *_):
        total = 0
        for base, length in self._iovecs(iov, count):
            written = self.sys_write(fd, base, length)
            if written < 0:
                return written if total == 0 else total
            total += written
        return total

    def sys_readv(self, fd, iov, count, *_):
        total = 0
        for base, length in self._iovecs(iov, count):
            got = self.sys_read(fd, base, length)
            if got < 0:
                return got if total == 0 else total
            total += got
            if got < length:
                break
        return total

    def sys_pread64(self, fd, buf, count, offset, *_):
        target = self._file(fd)
        if isinstance(target, Stream):
            return -errno.ESPIPE
        data = os.pread(target, count, offset)
        self.memory.write_bytes(buf, data)
        return len(data)

    def sys_pwrite64(self, fd, buf, count, offset, *_):
        target = self._file(fd)
        if isinstance(target, Stream):
            return -errno.ESPIPE
        return os.pwrite(target, self.memory.read_bytes(buf, count), offset)

    def sys_openat(self, dirfd, path, flags, mode, *_):
        guest, host = self._host_path(dirfd, path)
        host_flags = (os.O_RDONLY, os.O_WRONLY, os.O_RDWR, os.O_RDWR)[flags & 3]
        for bit, host_bit in OPEN_FLAGS.items():
            if flags & bit:
                host_flags |= host_bit
        return self._new_fd(os.open(host, host_flags | os.O_CLOEXEC, mode & 0o7777), guest)

    def sys_close(self, fd, *_):
        target = self.files.pop(fd, None)
        self.guest_paths.pop(fd, None)
        self.listings.pop(fd, None)
        if target is None:
            return -errno.EBADF
        if isinstance(target, int):
            os.close(target)
        return 0

    def sys_lseek(self, fd, offset, whence, *_):
        target = self._file(fd)
        if isinstance(target, Stream):
            return -errno.ESPIPE
        return os.lseek(target, offset - (1 << 64) if offset >> 63 else offset, whence)

    def sys_dup(self, fd, *_):
        target = self._file(fd)
        return self._new_fd(target if isinstance(target, Stream) else os.dup(target), self.guest_paths.get(fd))

    def sys_dup3(self, fd, new, flags, *_):
        target = self._file(fd)
        if new in self.files:
            self.sys_close(new)
        self.files[new] = target if isinstance(target, Stream) else os.dup(target)
        return new

    def sys_fcntl(self, fd, cmd, arg, *_):
        target = self._file(fd)
        if cmd in (0, 1030):  # F_DUPFD, F_DUPFD_CLOEXEC
            return self.sys_dup(fd)
        if cmd == 3:  # F_GETFL: the access mode is all a libc asks for
            return 2 if isinstance(target, Stream) else fcntl.fcntl(target, fcntl.F_GETFL) & 3
        return 0

    def _stat_bytes(self, st: os.stat_result | None, tty: bool = False) -> bytes:
        """struct stat of asm-generic (riscv64): 128 bytes."""
        if st is None:  # a stream of the simulator: a character device if a terminal, else a pipe
            mode = (stat.S_IFCHR | 0o620) if tty else (stat.S_IFIFO | 0o600)
            return struct.pack("<QQIIIIQQqiiqqQqQqQII", 0, 1, mode, 1, 0, 0, 0, 0, 0, 4096, 0, 0,
                               0, 0, 0, 0, 0, 0, 0, 0)
        return struct.pack("<QQIIIIQQqiiqqQqQqQII", st.st_dev, st.st_ino, st.st_mode, st.st_nlink, st.st_uid,
                           st.st_gid, st.st_rdev, 0, st.st_size, st.st_blksize, 0, st.st_blocks,
                           int(st.st_atime), st.st_atime_ns % 10**9, int(st.st_mtime), st.st_mtime_ns % 10**9,
                           int(st.st_ctime), st.st_ctime_ns % 10**9, 0, 0)

    def sys_fstat(self, fd, buf, *_):
        target = self._file(fd)
        if isinstance(target, Stream):
            self._write_struct(buf, self._stat_bytes(None, target.tty))
        else:
            self._write_struct(buf, self._stat_bytes(os.fstat(target)))
        return 0

    def sys_newfstatat(self, dirfd, path, buf, flags, *_):
        if flags & AT_EMPTY_PATH and self.memory.read_bytes(path, 1) == b"\0":
            return self.sys_fstat(dirfd, buf)
        _, host = self._host_path(dirfd, path)
        self._write_struct(buf, self._stat_bytes(os.stat(host)))
        return 0

    def sys_faccessat(self, dirfd, path, mode, *_):
        _, host = self._host_path(dirfd, path)
        if not os.path.exists(host):
            return -errno.ENOENT
        return 0 if os.access(host, mode & 7) else -errno.EACCES

    sys_faccessat2 = sys_faccessat

    def sys_readlinkat(self, dirfd, path, buf, size, *_):
        if self._string(path) == "/proc/self/exe":
            target = ("/" + self.exe_name.lstrip("/")).encode()
        else:
            _, host = self._host_path(dirfd, path)
            target = os.readlink(host).encode()
        target = target[:size]
        self.memory.write_bytes(buf, target)
        return len(target)

    def sys_getcwd(self, buf, size, *_):
        data = self.cwd.encode() + b"\0"
        if len(data) > size:
            return -errno.ERANGE
        self.memory.write_bytes(buf, data)
        return len(data)

    def sys_chdir(self, path, *_):
        guest, host = self._host_path(AT_FDCWD, path)
        if not os.path.isdir(host):
            return -errno.ENOTDIR if os.path.exists(host) else -errno.ENOENT
        self.cwd = guest
        return 0

    def sys_mkdirat(self, dirfd, path, mode, *_):
        os.mkdir(self._host_path(dirfd, path)[1], mode & 0o777)
        return 0

    def sys_unlinkat(self, dirfd, path, flags, *_):
        host = self._host_path(dirfd, path)[1]
        os.rmdir(host) if flags & AT_REMOVEDIR else os.unlink(host)
        return 0

    def sys_getdents64(self, fd, buf, size, *_):
        """Directory entries as struct linux_dirent64 records, as many as fit; 0 at the end."""
        target = self._file(fd)
        if isinstance(target, Stream) or fd not in self.guest_paths:
            return -errno.ENOTDIR
        if fd not in self.listings:
            host = self._host_path(AT_FDCWD, 0, self.guest_paths[fd])[1]
            if not os.path.isdir(host):
                return -errno.ENOTDIR
            entries = [(".", stat.S_IFDIR), ("..", stat.S_IFDIR)]
            entries += [(e.name, os.lstat(e.path).st_mode) for e in sorted(os.scandir(host), key=lambda e: e.name)]
            self.listings[fd] = [self._dirent(i + 1, name, mode) for i, (name, mode) in enumerate(entries)]
        records = self.listings[fd]
        out = bytearray()
        while records and len(out) + len(records[0]) <= size:
            out += records.pop(0)
        if records and not out:
            return -errno.EINVAL
        self.memory.write_bytes(buf, bytes(out))
        return len(out)

    @staticmethod
    def _dirent(offset: int, name: str, mode: int) -> bytes:
        kind = {stat.S_IFDIR: 4, stat.S_IFREG: 8, stat.S_IFLNK: 10}.get(stat.S_IFMT(mode), 0)
        body = name.encode("utf-8", "surrogateescape") + b"\0"
        length = (19 + len(body) + 7) & ~7
        return struct.pack("<QqHB", offset, offset, length, kind) + body.ljust(length - 19, b"\0")

    def sys_fsync(self, *_):
        return 0

    def sys_riscv_flush_icache(self, *_):
        return 0

    def sys_clock_nanosleep(self, *_):
        return 0

    def sys_ioctl(self, fd, request, arg, *_):
        target = self._file(fd)
        if not isinstance(target, Stream) or not target.tty:
            return -errno.ENOTTY
        if request == TCGETS:
            self._write_struct(arg, bytes(36))
            return 0
        if request == TIOCGWINSZ:
            self._write_struct(arg, struct.pack("<HHHH", 24, 80, 0, 0))
            return 0
        return -errno.EINVAL

    # ---- memory ----------------------------------------------------------------------------------------------
    def sys_brk(self, addr, *_):
        if self.brk_start <= addr < MMAP_BASE:
            if addr > self.brk:
                self.memory.map(self.brk, addr - self.brk)
            self.brk = addr
        return self.brk

    def sys_mmap(self, addr, length, prot, flags, fd, offset):
        if length == 0:
            return -errno.EINVAL
        size = _page_up(length)
        if flags & (MAP_FIXED | MAP_FIXED_NOREPLACE):
            if addr % PAGE:
                return -errno.EINVAL
            self.memory.unmap(addr, size)
        else:
            addr = self.mmap_next
            self.mmap_next += size
        self.memory.map(addr, size)
        if not flags & MAP_ANONYMOUS and fd >> 31 == 0:
            target = self._file(fd)
            if isinstance(target, Stream):
                return -errno.EACCES
            self.memory.write_bytes(addr, os.pread(target, length, offset))
        return addr

    def sys_munmap(self, addr, length, *_):
        if addr % PAGE:
            return -errno.EINVAL
        self.memory.unmap(addr, _page_up(length))
        return 0

    def sys_mremap(self, old, old_size, new_size, flags, *_):
        new = self.sys_mmap(0, new_size, 3, MAP_ANONYMOUS, M64, 0)
        self.memory.write_bytes(new, self.memory.read_bytes(old, min(old_size, new_size)))
        self.sys_munmap(old, old_size)
        return new

    def sys_mprotect(self, *_):
        return 0

    def sys_madvise(self, *_):
        return 0

    # ---- process ---------------------------------------------------------------------------------------------
    def sys_exit(self, code, *_):
        raise GuestExit(code & 0xFF)

    sys_exit_group = sys_exit

    def sys_tgkill(self, tgid, tid, sig, *_):
        raise GuestExit(128 + (sig & 0x7F))

    def sys_kill(self, pid, sig, *_):
        return self.sys_tgkill(pid, pid, sig)

    def sys_getpid(self, *_):
        return PID

    sys_gettid = sys_getpid

    def sys_getppid(self, *_):
        return 1

    def sys_getuid(self, *_):
        return 0

    sys_geteuid = sys_getgid = sys_getegid = sys_getuid

    def sys_set_tid_address(self, *_):
        return PID

    def sys_set_robust_list(self, *_):
        return 0

    def sys_futex(self, *_):
        return 0

    def sys_sched_yield(self, *_):
        return 0

    def sys_rt_sigaction(self, sig, act, oldact, *_):
        self._write_struct(oldact, bytes(24))
        return 0

    def sys_rt_sigprocmask(self, how, new, old, *_):
        self._write_struct(old, bytes(8))
        return 0

    def sys_prlimit64(self, pid, resource, new, old, *_):
        limits = {3: (STACK_SIZE, RLIM_INFINITY), 7: (1024, 4096)}  # RLIMIT_STACK, RLIMIT_NOFILE
        self._write_struct(old, struct.pack("<QQ", *limits.get(resource, (RLIM_INFINITY, RLIM_INFINITY))))
        return 0

    def sys_getrlimit(self, resource, old, *_):
        return self.sys_prlimit64(0, resource, 0, old)

    def sys_umask(self, mask, *_):
        return 0o022

    def sys_uname(self, buf, *_):
        fields = (b"Linux", b"b2i", b"6.1.0-b2i", b"#1 b2i-sim", b"riscv64", b"(none)")
        self._write_struct(buf, b"".join(f.ljust(65, b"\0") for f in fields))
        return 0

    # ---- time and randomness ---------------------------------------------------------------------------------
    def sys_clock_gettime(self, clock, tp, *_):
        ns = time.time_ns() if clock == 0 else time.monotonic_ns()
        self._write_struct(tp, struct.pack("<qq", ns // 10**9, ns % 10**9))
        return 0

    def sys_clock_getres(self, clock, tp, *_):
        self._write_struct(tp, struct.pack("<qq", 0, 1))
        return 0

    def sys_gettimeofday(self, tv, tz, *_):
        ns = time.time_ns()
        self._write_struct(tv, struct.pack("<qq", ns // 10**9, ns % 10**9 // 1000))
        return 0

    def sys_nanosleep(self, *_):
        return 0

    def sys_getrandom(self, buf, count, flags, *_):
        self.memory.write_bytes(buf, bytes(self.random.getrandbits(8) for _ in range(count)))
        return count


def host_stream_in(binary: BinaryIO) -> Stream:
    """The simulator's own stdin as the guest's: reads return what is available, like a pipe or terminal."""
    fileno = binary.fileno()
    return Stream(read=lambda n: os.read(fileno, n), tty=os.isatty(fileno))


def host_stream_out(binary: BinaryIO) -> Stream:
    def write(data: bytes) -> None:
        try:
            binary.write(data)
            binary.flush()
        except BrokenPipeError:  # the reader went away (b2i-run ... | head): the guest sees EPIPE from now on
            os.dup2(os.open(os.devnull, os.O_WRONLY), binary.fileno())
            raise

    try:
        tty = os.isatty(binary.fileno())
    except (OSError, ValueError):
        tty = False
    return Stream(write=write, tty=tty)
