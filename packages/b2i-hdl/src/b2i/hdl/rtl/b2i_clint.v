// b2i_clint: the core-local interruptor of the virt board: machine timer and software interrupt.
//
// msip at +0x0 (bit 0), mtimecmp at +0x4000, mtime at +0xBFF8, each read and written through the 64-bit
// data bus with byte strobes. mtime counts up once every TICK_CYCLES clock cycles; mtip is high while
// mtime >= mtimecmp. mtimecmp resets to all ones, so no timer interrupt is pending at reset.
`timescale 1ns/1ps
module b2i_clint #(
    parameter TICK_CYCLES = 1
) (
    input  wire        clk,
    input  wire        rst,
    input  wire        valid,
    input  wire [15:0] offset,     // byte offset inside the CLINT
    input  wire        we,
    input  wire [7:0]  wstrb,
    input  wire [63:0] wdata,
    output reg  [63:0] rdata,
    output wire        mtip,
    output wire        msip,
    output reg  [63:0] mtime
);
    reg [63:0] mtimecmp;
    reg        msip_q;
    reg [31:0] tick;

    assign mtip = mtime >= mtimecmp;
    assign msip = msip_q;

    wire [15:0] word = {offset[15:3], 3'b0};
    always @(*) begin
        case (word)
            16'h0000: rdata = {63'b0, msip_q};
            16'h4000: rdata = mtimecmp;
            16'hBFF8: rdata = mtime;
            default:  rdata = 64'b0;
        endcase
    end

    integer i;
    always @(posedge clk) begin
        if (rst) begin
            mtime <= 64'b0; mtimecmp <= {64{1'b1}}; msip_q <= 1'b0; tick <= 32'b0;
        end else begin
            if (tick == TICK_CYCLES - 1) begin
                tick <= 32'b0;
                mtime <= mtime + 64'd1;
            end else begin
                tick <= tick + 32'd1;
            end
            if (valid && we) begin
                case (word)
                    16'h0000: if (wstrb[0]) msip_q <= wdata[0];
                    16'h4000: for (i = 0; i < 8; i = i + 1) if (wstrb[i]) mtimecmp[i*8 +: 8] <= wdata[i*8 +: 8];
                    16'hBFF8: for (i = 0; i < 8; i = i + 1) if (wstrb[i]) mtime[i*8 +: 8] <= wdata[i*8 +: 8];
                    default: ;
                endcase
            end
        end
    end
endmodule
