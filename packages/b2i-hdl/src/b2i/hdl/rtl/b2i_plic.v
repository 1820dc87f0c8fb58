// b2i_plic: the platform-level interrupt controller of the virt board, for one hart (two contexts).
//
// Sources 1..31 (the SoC wires the UART to source 10, as on virt), level-triggered. Registers, as on virt:
//   +0x000000 + 4*id  priority of source id (0 = never)     +0x001000  pending bits of sources 0..31
//   +0x002000         enable bits of context 0 (M mode)      +0x002080  enable bits of context 1 (S mode)
//   +0x200000         context 0 threshold; +0x200004 claim/complete; +0x201000/+0x201004 the same, context 1
// A source is pending while its line is high and it is not being served; a claim read returns the best
// (highest priority, then lowest id) pending enabled source above the context's threshold and marks it served
// until the handler writes its id back to claim/complete. meip/seip go high while a context has one to claim.
`timescale 1ns/1ps
module b2i_plic (
    input  wire        clk,
    input  wire        rst,
    input  wire [31:0] sources,      // interrupt lines; bit 0 is unused (source 0 does not exist)
    input  wire        valid,
    input  wire [23:0] offset,
    input  wire        we,
    input  wire [7:0]  wstrb,
    input  wire [63:0] wdata,
    output reg  [63:0] rdata,
    output wire        meip,
    output wire        seip
);
    reg [2:0]  prio [0:31];     // "priority" is a SystemVerilog keyword
    reg [31:0] enable [0:1];
    reg [2:0]  threshold [0:1];
    reg [31:0] served;               // claimed and not yet completed

    wire [31:0] pending = sources & ~served & 32'hFFFF_FFFE;

    // the best source each context could claim (0 if none). An always block rather than a function in a
    // continuous assignment: Icarus would not re-evaluate that when the registers the function reads change.
    reg [4:0] best0, best1;
    reg [2:0] level0, level1;
    integer id;
    always @(*) begin
        best0 = 5'd0; level0 = threshold[0];
        best1 = 5'd0; level1 = threshold[1];
        for (id = 1; id < 32; id = id + 1) begin
            if (pending[id] && enable[0][id] && prio[id] > level0) begin best0 = id[4:0]; level0 = prio[id]; end
            if (pending[id] && enable[1][id] && prio[id] > level1) begin best1 = id[4:0]; level1 = prio[id]; end
        end
    end

    assign meip = best0 != 5'd0;
    assign seip = best1 != 5'd0;

    // the 32-bit register at the (4-aligned) offset; the 64-bit bus carries it in its half
    wire [23:0] reg_offset = {offset[23:2], 2'b00};
    wire        high = offset[2];
    wire [31:0] wword = high ? wdata[63:32] : wdata[31:0];
    wire        wenable = high ? wstrb[4] : wstrb[0];
    wire        context1 = reg_offset[12];
    reg  [31:0] rword;
    always @(*) begin
        rword = 32'b0;
        if (reg_offset < 24'h000080) rword = {29'b0, prio[reg_offset[6:2]]};
        else if (reg_offset == 24'h001000) rword = pending;
        else if (reg_offset == 24'h002000) rword = enable[0];
        else if (reg_offset == 24'h002080) rword = enable[1];
        else if (reg_offset == 24'h200000 || reg_offset == 24'h201000) rword = {29'b0, threshold[context1]};
        else if (reg_offset == 24'h200004 || reg_offset == 24'h201004) rword = {27'b0, context1 ? best1 : best0};
        rdata = high ? {rword, 32'b0} : {32'b0, rword};
    end

    integer i;
    always @(posedge clk) begin
        if (rst) begin
            for (i = 0; i < 32; i = i + 1) prio[i] <= 3'd0;
            enable[0] <= 32'b0; enable[1] <= 32'b0;
            threshold[0] <= 3'd0; threshold[1] <= 3'd0;
            served <= 32'b0;
        end else if (valid && we && wenable) begin
            if (reg_offset < 24'h000080) prio[reg_offset[6:2]] <= wword[2:0];
            else if (reg_offset == 24'h002000) enable[0] <= wword;
            else if (reg_offset == 24'h002080) enable[1] <= wword;
            else if (reg_offset == 24'h200000 || reg_offset == 24'h201000) threshold[context1] <= wword[2:0];
            else if (reg_offset == 24'h200004 || reg_offset == 24'h201004) served[wword[4:0]] <= 1'b0;  // complete
        end else if (valid && !we && (reg_offset == 24'h200004 || reg_offset == 24'h201004)) begin
            served[context1 ? best1 : best0] <= (context1 ? best1 : best0) != 5'd0;                  // claim
        end
    end
endmodule
