/* stdio.h: buffered FILE streams over file descriptors, and the printf family on top of format.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef void (*sink_fn)(void *ctx, const char *s, size_t n);
size_t __format(sink_fn sink, void *ctx, const char *fmt, va_list ap);

struct _IO_FILE {
    int fd;
    int mode;        /* _IOFBF, _IOLBF or _IONBF */
    int eof, error;
    int reading;     /* the buffer holds read-ahead data (else pending writes) */
    int unget;       /* a pushed-back character, or EOF */
    size_t pos, len; /* buffer cursor and fill */
    char *buf;
    char own[BUFSIZ];
    FILE *next_open;
};

static FILE std_in = {0, _IOLBF, 0, 0, 0, EOF, 0, 0, 0};
static FILE std_out = {1, _IOLBF, 0, 0, 0, EOF, 0, 0, 0};
static FILE std_err = {2, _IONBF, 0, 0, 0, EOF, 0, 0, 0};
FILE *stdin = &std_in;
FILE *stdout = &std_out;
FILE *stderr = &std_err;
static FILE *open_files;

static char *buffer_of(FILE *f) { return f->buf ? f->buf : f->own; }

static int write_all(int fd, const char *p, size_t n) {
    while (n) {
        long w = write(fd, p, n);
        if (w <= 0) return -1;
        p += w;
        n -= w;
    }
    return 0;
}

int fflush(FILE *f) {
    if (f == 0) {
        fflush(stdout);
        fflush(stderr);
        for (FILE *g = open_files; g; g = g->next_open) fflush(g);
        return 0;
    }
    if (f->reading) {
        /* drop read-ahead: move the descriptor back to the logical position */
        if (f->len > f->pos) lseek(f->fd, -(long)(f->len - f->pos), SEEK_CUR);
        f->pos = f->len = 0;
        f->reading = 0;
        return 0;
    }
    if (f->len && write_all(f->fd, buffer_of(f), f->len) < 0) {
        f->error = 1;
        f->len = 0;
        return EOF;
    }
    f->len = 0;
    return 0;
}

void __stdio_flush_all(void) { fflush(0); }

size_t fwrite(const void *p, size_t size, size_t n, FILE *f) {
    size_t total = size * n;
    if (total == 0) return 0;
    if (f->reading) fflush(f);
    const char *s = p;
    if (f->mode == _IONBF) {
        if (write_all(f->fd, s, total) < 0) {
            f->error = 1;
            return 0;
        }
        return n;
    }
    for (size_t i = 0; i < total; i++) {
        buffer_of(f)[f->len++] = s[i];
        if (f->len == BUFSIZ || (f->mode == _IOLBF && s[i] == '\n')) {
            if (fflush(f) == EOF) return i / size;
        }
    }
    return n;
}

static int refill(FILE *f) {
    if (!f->reading) {
        fflush(f);
        f->reading = 1;
    }
    if (f == stdin) fflush(stdout);
    long r = read(f->fd, buffer_of(f), BUFSIZ);
    if (r <= 0) {
        if (r < 0) f->error = 1;
        else f->eof = 1;
        f->pos = f->len = 0;
        return EOF;
    }
    f->pos = 0;
    f->len = r;
    return 0;
}

int fgetc(FILE *f) {
    if (f->unget != EOF) {
        int c = f->unget;
        f->unget = EOF;
        return c;
    }
    if (!f->reading || f->pos >= f->len) {
        if (refill(f) == EOF) return EOF;
    }
    return (unsigned char)buffer_of(f)[f->pos++];
}

int getc(FILE *f) { return fgetc(f); }
int getchar(void) { return fgetc(stdin); }

int ungetc(int c, FILE *f) {
    if (c == EOF) return EOF;
    f->unget = (unsigned char)c;
    f->eof = 0;
    return c;
}

size_t fread(void *p, size_t size, size_t n, FILE *f) {
    size_t total = size * n;
    char *d = p;
    size_t got = 0;
    while (got < total) {
        int c = fgetc(f);
        if (c == EOF) break;
        d[got++] = (char)c;
    }
    return size ? got / size : 0;
}

char *fgets(char *s, int n, FILE *f) {
    int i = 0;
    while (i < n - 1) {
        int c = fgetc(f);
        if (c == EOF) break;
        s[i++] = (char)c;
        if (c == '\n') break;
    }
    if (i == 0) return 0;
    s[i] = 0;
    return s;
}

int fputc(int c, FILE *f) {
    char ch = (char)c;
    return fwrite(&ch, 1, 1, f) == 1 ? (unsigned char)c : EOF;
}

int putc(int c, FILE *f) { return fputc(c, f); }
int putchar(int c) { return fputc(c, stdout); }

int fputs(const char *s, FILE *f) {
    size_t n = strlen(s);
    return fwrite(s, 1, n, f) == n ? 1 : EOF;
}

int puts(const char *s) {
    if (fputs(s, stdout) == EOF) return EOF;
    return fputc('\n', stdout) == EOF ? EOF : 1;
}

static int parse_mode(const char *mode) {
    int plus = strchr(mode, '+') != 0;
    switch (mode[0]) {
    case 'r': return plus ? O_RDWR : O_RDONLY;
    case 'w': return (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_TRUNC;
    case 'a': return (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_APPEND;
    default: return -1;
    }
}

FILE *fdopen(int fd, const char *mode) {
    (void)mode;
    FILE *f = calloc(1, sizeof(FILE));
    if (!f) return 0;
    f->fd = fd;
    f->mode = _IOFBF;
    f->unget = EOF;
    f->next_open = open_files;
    open_files = f;
    return f;
}

FILE *fopen(const char *path, const char *mode) {
    int flags = parse_mode(mode);
    if (flags < 0) {
        errno = EINVAL;
        return 0;
    }
    int fd = open(path, flags, 0666);
    if (fd < 0) return 0;
    return fdopen(fd, mode);
}

int fclose(FILE *f) {
    int r = fflush(f);
    close(f->fd);
    for (FILE **link = &open_files; *link; link = &(*link)->next_open) {
        if (*link == f) {
            *link = f->next_open;
            break;
        }
    }
    if (f != stdin && f != stdout && f != stderr) free(f);
    return r;
}

FILE *freopen(const char *path, const char *mode, FILE *f) {
    fflush(f);
    close(f->fd);
    int fd = open(path, parse_mode(mode), 0666);
    if (fd < 0) return 0;
    f->fd = fd;
    f->eof = f->error = 0;
    return f;
}

int fseek(FILE *f, long off, int whence) {
    if (whence == SEEK_CUR && f->reading) off -= (long)(f->len - f->pos) + (f->unget != EOF);
    f->unget = EOF;
    if (f->reading) {
        f->pos = f->len = 0;
        f->reading = 0;
    } else {
        fflush(f);
    }
    if (lseek(f->fd, off, whence) < 0) return -1;
    f->eof = 0;
    return 0;
}

long ftell(FILE *f) {
    long at = lseek(f->fd, 0, SEEK_CUR);
    if (at < 0) return -1;
    if (f->reading) return at - (long)(f->len - f->pos) - (f->unget != EOF);
    return at + (long)f->len;
}

void rewind(FILE *f) {
    fseek(f, 0, SEEK_SET);
    f->error = 0;
}

int feof(FILE *f) { return f->eof; }
int ferror(FILE *f) { return f->error; }
void clearerr(FILE *f) { f->eof = f->error = 0; }
int fileno(FILE *f) { return f->fd; }

int setvbuf(FILE *f, char *buf, int mode, size_t size) {
    (void)size;
    fflush(f);
    f->mode = mode;
    f->buf = mode == _IONBF ? 0 : buf;
    return 0;
}

void setbuf(FILE *f, char *buf) { setvbuf(f, buf, buf ? _IOFBF : _IONBF, BUFSIZ); }

void perror(const char *s) {
    if (s && *s) fprintf(stderr, "%s: %s\n", s, strerror(errno));
    else fprintf(stderr, "%s\n", strerror(errno));
}

int remove(const char *path) { return unlink(path); }

int rename(const char *from, const char *to) {
    (void)from;
    (void)to;
    errno = ENOSYS; /* renameat2 is not in b2i's syscall set */
    return -1;
}

/* ---- the printf family ---- */
static void file_sink(void *ctx, const char *s, size_t n) { fwrite(s, 1, n, ctx); }

struct string_sink {
    char *buf;
    size_t size, used;
};

/* Keeps what fits before the last byte (room for the terminator) and counts the rest. */
static void string_sink(void *ctx, const char *s, size_t n) {
    struct string_sink *ss = ctx;
    size_t room = ss->size && ss->used < ss->size - 1 ? ss->size - 1 - ss->used : 0;
    memcpy(ss->buf + ss->used, s, n < room ? n : room);
    ss->used += n;
}

int vfprintf(FILE *f, const char *fmt, va_list ap) { return (int)__format(file_sink, f, fmt, ap); }
int vprintf(const char *fmt, va_list ap) { return vfprintf(stdout, fmt, ap); }

int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap) {
    struct string_sink ss = {buf, n, 0};
    int r = (int)__format(string_sink, &ss, fmt, ap);
    if (n) buf[ss.used < n ? ss.used : n - 1] = 0;
    return r;
}

int vsprintf(char *buf, const char *fmt, va_list ap) { return vsnprintf(buf, (size_t)-1 / 2, fmt, ap); }

int printf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int r = vfprintf(stdout, fmt, ap);
    va_end(ap);
    return r;
}

int fprintf(FILE *f, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int r = vfprintf(f, fmt, ap);
    va_end(ap);
    return r;
}

int sprintf(char *buf, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int r = vsprintf(buf, fmt, ap);
    va_end(ap);
    return r;
}

int snprintf(char *buf, size_t n, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}
