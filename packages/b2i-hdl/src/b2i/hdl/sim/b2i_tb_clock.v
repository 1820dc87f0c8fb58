// b2i_tb_clock: the top module for Icarus: drives b2i_tb's clock (Verilator's C++ harness does that itself).
`timescale 1ns/1ps
module b2i_tb_clock;
    reg clk = 1'b0;
    always #5 clk = ~clk;
    b2i_tb tb (.clk(clk));
endmodule
