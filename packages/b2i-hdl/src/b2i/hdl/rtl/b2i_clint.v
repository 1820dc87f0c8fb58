// b2i_clint: the core-local interruptor of the virt board: machine timer and software interrupt.
//
// msip at +0x0 (bit 0), mtimecmp at +0x4000, mtime at +0xBFF8, each read and written through the 64-bit
// data bus with byte strobes. mtip is high while mtime >= mtimecmp; mtimecmp resets to 0, as on QEMU's virt
// board, so the timer interrupt is pending from reset until software arms the timer.
//
// Two time bases. RETIRED_TIME = 1 (the default, as the reference simulator b2i.sim.machine): mtime counts one
// tick per retired instruction (`retire`, the core's commit pulse), and a wfi that sleeps for the timer
// (`sleep`) lets time jump to mtimecmp, so a run is deterministic and its time reads match the reference
// instruction for instruction. RETIRED_TIME = 0: one tick every TICK_CYCLES clock cycles, like a real board.
`timescale 1ns/1ps
module b2i_clint #(
    parameter RETIRED_TIME = 1,
    parameter TICK_CYCLES = 1
) (
    input  wire        clk,
    input  wire        rst,
    input  wire        retire,     // an instruction commits this cycle
    input  wire        sleep,      // it is a wfi waiting only for the timer
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

    // where the time goes next, before a store to mtime
    wire        skip = RETIRED_TIME != 0 && sleep && mtimecmp != {64{1'b1}} && mtimecmp > mtime;
    wire [63:0] now = skip ? mtimecmp : mtime;
    wire        ticks = RETIRED_TIME != 0 ? retire : tick == TICK_CYCLES - 1;

    // a store to mtime sets it; the storing instruction's own tick still counts, as on the reference
    reg [63:0] written;
    integer i;
    always @(*) begin
        written = now;
        if (valid && we && word == 16'hBFF8)
            for (i = 0; i < 8; i = i + 1) if (wstrb[i]) written[i*8 +: 8] = wdata[i*8 +: 8];
    end

    integer j;
    always @(posedge clk) begin
        if (rst) begin
            mtime <= 64'b0; mtimecmp <= 64'b0; msip_q <= 1'b0; tick <= 32'b0;
        end else begin
            tick <= tick == TICK_CYCLES - 1 ? 32'b0 : tick + 32'd1;
            mtime <= written + {63'b0, ticks};
            if (valid && we) begin
                case (word)
                    16'h0000: if (wstrb[0]) msip_q <= wdata[0];
                    16'h4000: for (j = 0; j < 8; j = j + 1) if (wstrb[j]) mtimecmp[j*8 +: 8] <= wdata[j*8 +: 8];
                    default: ;
                endcase
            end
        end
    end
endmodule
