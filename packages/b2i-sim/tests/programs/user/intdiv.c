/* Integer division and remainder corner cases, on the instructions themselves (inline asm: no UB in C). */
#include <stdint.h>
#include <stdio.h>

#define OP(name, insn)                                                         \
    static int64_t name(int64_t a, int64_t b) {                               \
        int64_t r;                                                            \
        __asm__ volatile(insn " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));      \
        return r;                                                             \
    }
OP(op_div, "div") OP(op_divu, "divu") OP(op_rem, "rem") OP(op_remu, "remu")
OP(op_divw, "divw") OP(op_divuw, "divuw") OP(op_remw, "remw") OP(op_remuw, "remuw")
OP(op_mulh, "mulh") OP(op_mulhsu, "mulhsu") OP(op_mulhu, "mulhu") OP(op_mulw, "mulw")

int main(void) {
    int64_t values[] = {0, 1, -1, 7, -7, 3, INT64_MIN, INT64_MAX, INT32_MIN, INT32_MAX, 0x80000000LL, 0xffffffffLL};
    int n = sizeof values / sizeof values[0];
    int64_t (*ops[])(int64_t, int64_t) = {op_div, op_divu, op_rem, op_remu, op_divw, op_divuw,
                                          op_remw, op_remuw, op_mulh, op_mulhsu, op_mulhu, op_mulw};
    const char *names[] = {"div", "divu", "rem", "remu", "divw", "divuw", "remw", "remuw",
                           "mulh", "mulhsu", "mulhu", "mulw"};
    for (int k = 0; k < 12; k++) {
        uint64_t hash = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                hash = hash * 1000003u ^ (uint64_t)ops[k](values[i], values[j]);
        printf("%-6s %016llx  %lld\n", names[k], (unsigned long long)hash, (long long)ops[k](values[6], -1));
    }
    printf("C: %d %d %d %d\n", -7 / 2, -7 % 2, 7 / -2, 7 % -2);
    return 0;
}
