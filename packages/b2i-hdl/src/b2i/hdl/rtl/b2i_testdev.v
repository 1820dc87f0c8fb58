// b2i_testdev: the test/power device of the virt board (SiFive "test finisher").
//
// A 32-bit write of 0x5555 ends the run with success; (code << 16) | 0x3333 ends it with exit code `code`.
// `finished` then stays high and `exit_code` holds the code (0 for success); other values are ignored.
`timescale 1ns/1ps
module b2i_testdev (
    input  wire        clk,
    input  wire        rst,
    input  wire        valid,
    input  wire        we,
    input  wire [31:0] wdata,
    output reg         finished,
    output reg  [15:0] exit_code
);
    always @(posedge clk) begin
        if (rst) begin
            finished <= 1'b0;
            exit_code <= 16'd0;
        end else if (valid && we && !finished) begin
            if (wdata[15:0] == 16'h5555) begin
                finished <= 1'b1;
                exit_code <= 16'd0;
            end else if (wdata[15:0] == 16'h3333) begin
                finished <= 1'b1;
                exit_code <= wdata[31:16];
            end
        end
    end
endmodule
