// b2i_uart: a 16550 UART as software sees it, the console of QEMU's virt board.
//
// Byte registers at offsets 0..7 (THR/RBR, IER, IIR/FCR, LCR, MCR, LSR, MSR, SCR; DLL/DLM when LCR.DLAB is
// set). A write to THR sends the byte out on tx_valid/tx_byte in the same cycle; the line never busies, so
// LSR always has THRE|TEMT (0x60). Received bytes wait outside (rx_valid/rx_byte, the testbench's input
// stream): LSR.DR says one is there, and a read of RBR returns it and pops it (rx_pop). `irq` is the
// received-data interrupt (IER bit 0 and a byte waiting); the transmitter-empty interrupt is not implemented.
// The SoC passes the byte offset and the byte.
`timescale 1ns/1ps
module b2i_uart (
    input  wire       clk,
    input  wire       rst,
    input  wire       valid,
    input  wire [2:0] offset,
    input  wire       we,
    input  wire [7:0] wdata,
    output reg  [7:0] rdata,
    output wire       tx_valid,
    output wire [7:0] tx_byte,
    input  wire       rx_valid,
    input  wire [7:0] rx_byte,
    output wire       rx_pop,
    output wire       irq
);
    reg [7:0] ier, lcr, mcr, scr, dll, dlm;
    wire dlab = lcr[7];

    assign tx_valid = valid && we && offset == 3'd0 && !dlab;
    assign tx_byte = wdata;
    assign rx_pop = valid && !we && offset == 3'd0 && !dlab && rx_valid;
    assign irq = ier[0] && rx_valid;

    always @(*) begin
        case (offset)
            3'd0: rdata = dlab ? dll : rx_valid ? rx_byte : 8'h00;
            3'd1: rdata = dlab ? dlm : ier;
            3'd2: rdata = (ier[0] && rx_valid) ? 8'hC4 : 8'hC1;   // IIR: FIFOs on; data ready, or nothing
            3'd3: rdata = lcr;
            3'd4: rdata = mcr;
            3'd5: rdata = {7'b0110000, rx_valid};   // LSR: transmitter empty, THR empty, data ready
            3'd6: rdata = 8'h00;
            default: rdata = scr;
        endcase
    end

    always @(posedge clk) begin
        if (rst) begin
            ier <= 0; lcr <= 0; mcr <= 0; scr <= 0; dll <= 0; dlm <= 0;
        end else if (valid && we) begin
            case (offset)
                3'd0: if (dlab) dll <= wdata;
                3'd1: if (dlab) dlm <= wdata; else ier <= wdata & 8'h0F;
                3'd3: lcr <= wdata;
                3'd4: mcr <= wdata & 8'h1F;
                3'd7: scr <= wdata;
                default: ;
            endcase
        end
    end
endmodule
