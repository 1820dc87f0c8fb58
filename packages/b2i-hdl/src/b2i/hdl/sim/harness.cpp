// harness.cpp: the Verilator main for b2i_tb: toggles the clock until the testbench calls $finish.
//
// Everything else (loading the image, UART output, the commit log, the summary line) happens in b2i_tb.v,
// so the Icarus and Verilator runs behave the same; plusargs are passed through from the command line.
#include <memory>

#include "Vb2i_tb.h"
#include "verilated.h"

int main(int argc, char** argv) {
    auto context = std::make_unique<VerilatedContext>();
    context->commandArgs(argc, argv);
    context->quiet(true);  // no "$finish" banner: the summary line is the last line
    auto tb = std::make_unique<Vb2i_tb>(context.get());
    while (!context->gotFinish()) {
        tb->clk = 0;
        tb->eval();
        tb->clk = 1;
        tb->eval();
    }
    tb->final();
    return 0;
}
