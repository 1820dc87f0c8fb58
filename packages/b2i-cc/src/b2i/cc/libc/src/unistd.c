/* Thin wrappers over system calls; a negative kernel result becomes -1 and errno. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <time.h>
#include <unistd.h>
#include "syscalls.h"

static int errno_value;

int *__errno_location(void) { return &errno_value; }

static long check(long r) {
    if (r < 0 && r > -4096) {
        errno_value = (int)-r;
        return -1;
    }
    return r;
}

ssize_t read(int fd, void *buf, size_t n) { return check(__syscall(SYS_read, fd, (long)buf, n, 0, 0, 0)); }
ssize_t write(int fd, const void *buf, size_t n) { return check(__syscall(SYS_write, fd, (long)buf, n, 0, 0, 0)); }
int close(int fd) { return check(__syscall(SYS_close, fd, 0, 0, 0, 0, 0)); }
off_t lseek(int fd, off_t off, int whence) { return check(__syscall(SYS_lseek, fd, off, whence, 0, 0, 0)); }
int unlink(const char *path) { return check(__syscall(SYS_unlinkat, AT_FDCWD, (long)path, 0, 0, 0, 0)); }
pid_t getpid(void) { return __syscall(SYS_getpid, 0, 0, 0, 0, 0, 0); }
void _exit(int status) {
    for (;;) __syscall(SYS_exit_group, status, 0, 0, 0, 0, 0);
}

int open(const char *path, int flags, ...) {
    va_list ap;
    va_start(ap, flags);
    int mode = (flags & O_CREAT) ? va_arg(ap, int) : 0;
    va_end(ap);
    return check(__syscall(SYS_openat, AT_FDCWD, (long)path, flags, mode, 0, 0));
}

char *getcwd(char *buf, size_t size) {
    return check(__syscall(SYS_getcwd, (long)buf, size, 0, 0, 0, 0)) < 0 ? 0 : buf;
}

int isatty(int fd) {
    /* Without ioctl (not in our syscall set) we cannot ask; terminals are fds 0-2 opened by the parent. */
    return fd >= 0 && fd <= 2 ? 0 : 0;
}

static char *heap_end;

void *sbrk(long increment) {
    if (heap_end == 0) heap_end = (char *)__syscall(SYS_brk, 0, 0, 0, 0, 0, 0);
    char *old = heap_end;
    char *want = old + increment;
    char *got = (char *)__syscall(SYS_brk, (long)want, 0, 0, 0, 0, 0);
    if (got != want) {
        errno_value = ENOMEM;
        return (void *)-1;
    }
    heap_end = got;
    return old;
}

int clock_gettime(int clk, struct timespec *ts) {
    return check(__syscall(SYS_clock_gettime, clk, (long)ts, 0, 0, 0, 0));
}

time_t time(time_t *t) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (t) *t = ts.tv_sec;
    return ts.tv_sec;
}

clock_t clock(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

double difftime(time_t a, time_t b) { return (double)(a - b); }
