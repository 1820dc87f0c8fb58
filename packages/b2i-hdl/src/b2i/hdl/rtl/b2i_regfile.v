// b2i_regfile: the 32 integer registers x0..x31 (x0 reads as zero).
//
// Two combinational read ports for the decode stage, one write port for write-back. A read of the register
// being written in the same cycle returns the new value ("write-through"), so the pipeline needs no extra
// forwarding path from write-back to decode.
`timescale 1ns/1ps
module b2i_regfile (
    input  wire        clk,
    input  wire [4:0]  raddr1,
    output wire [63:0] rdata1,
    input  wire [4:0]  raddr2,
    output wire [63:0] rdata2,
    input  wire        we,
    input  wire [4:0]  waddr,
    input  wire [63:0] wdata
);
    reg [63:0] regs [0:31];

    integer i;
    initial begin
        for (i = 0; i < 32; i = i + 1) regs[i] = 64'b0;
    end

    always @(posedge clk) begin
        if (we && waddr != 5'd0) regs[waddr] <= wdata;
    end

    assign rdata1 = (raddr1 == 5'd0) ? 64'b0 : (we && waddr == raddr1) ? wdata : regs[raddr1];
    assign rdata2 = (raddr2 == 5'd0) ? 64'b0 : (we && waddr == raddr2) ? wdata : regs[raddr2];
endmodule
