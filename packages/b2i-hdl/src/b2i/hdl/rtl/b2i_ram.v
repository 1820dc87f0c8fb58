// b2i_ram: the main memory, with an instruction port and a data port.
//
// Stored as 64-bit words; both ports read combinationally and are always ready, so a load or a fetch
// completes in the cycle it is asked for. INIT_FILE (if not empty) is a $readmemh file of 64-bit words,
// word 0 at BASE. Addresses outside [BASE, BASE + BYTES) answer with err on the instruction port;
// the SoC never routes them to the data port.
`timescale 1ns/1ps
module b2i_ram #(
    parameter [63:0] BASE = 64'h8000_0000,
    parameter [63:0] BYTES = 64'd1 << 20,
    parameter        INIT_FILE = ""
) (
    input  wire        clk,
    input  wire [63:0] iaddr,
    output wire [31:0] irdata,
    output wire        ierr,
    input  wire        dvalid,
    input  wire [63:0] daddr,
    input  wire        dwe,
    input  wire [7:0]  dwstrb,
    input  wire [63:0] dwdata,
    output wire [63:0] drdata
);
    localparam WORDS = BYTES / 8;
    localparam AW = $clog2(WORDS);
    reg [63:0] mem [0:WORDS-1];

    initial begin
        if (INIT_FILE != "") $readmemh(INIT_FILE, mem);
    end

    wire [63:0] ioff = iaddr - BASE;
    wire [63:0] doff = daddr - BASE;
    assign ierr = iaddr < BASE || ioff >= BYTES;
    wire [63:0] iword = mem[ioff[AW+2:3]];
    assign irdata = ioff[2] ? iword[63:32] : iword[31:0];
    assign drdata = mem[doff[AW+2:3]];

    integer i;
    always @(posedge clk) begin
        if (dvalid && dwe) begin
            for (i = 0; i < 8; i = i + 1)
                if (dwstrb[i]) mem[doff[AW+2:3]][i*8 +: 8] <= dwdata[i*8 +: 8];
        end
    end
endmodule
