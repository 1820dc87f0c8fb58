// b2i_soc: the b2i machine: core, RAM, UART, CLINT and the test device on one data bus.
//
//   0x0010_0000  test/power device     0x0200_0000  CLINT (64 KiB)   0x0C00_0000  PLIC (UART: source 10)
//   0x1000_0000  UART 16550 (8 bytes)  0x8000_0000  RAM (RAM_BYTES)
//
// The core's data bus request goes to the one device its address selects; every device answers in the same
// cycle (ready is always high here), and an address that selects nothing raises err (decoded from the
// address alone, so the core can trap with an access fault instead of making the access). Instructions are fetched through the RAM's second port. The run's observable outputs are the
// UART's transmitted bytes, the test device's finished/exit_code and the core's retire and trap ports.
`timescale 1ns/1ps
module b2i_soc #(
    parameter [63:0] RAM_BYTES = 64'd1 << 20,
    parameter RAM_INIT = "",
    parameter RETIRED_TIME = 1,      // mtime: one tick per retired instruction (1) or per TICK_CYCLES cycles (0)
    parameter TICK_CYCLES = 1
) (
    input  wire        clk,
    input  wire        rst,
    input  wire        ext_irq,          // an outside interrupt line: PLIC source 1
    output wire        uart_tx_valid,
    output wire [7:0]  uart_tx_byte,
    input  wire        uart_rx_valid,    // a received byte is waiting (the testbench's input)
    input  wire [7:0]  uart_rx_byte,
    output wire        uart_rx_pop,      // the program read it
    output wire        finished,
    output wire [15:0] exit_code,
    output wire        retire_valid,
    output wire [63:0] retire_pc,
    output wire [31:0] retire_instr,
    output wire [1:0]  retire_priv,
    output wire [4:0]  retire_rd,
    output wire [63:0] retire_rd_value,
    output wire        trap_valid,
    output wire [63:0] trap_cause,
    output wire [63:0] trap_epc,
    output wire [63:0] trap_tval
);
    wire        ibus_valid, ibus_err;
    wire [63:0] ibus_addr;
    wire [31:0] ibus_rdata;
    wire        dbus_valid, dbus_we, dbus_err;
    wire [63:0] dbus_addr, dbus_wdata;
    wire [7:0]  dbus_wstrb;
    reg  [63:0] dbus_rdata;
    wire        mtip, msip, meip, seip, uart_irq;
    wire [63:0] mtime;
    wire        commit, sleep;

    b2i_core core (
        .clk(clk), .rst(rst),
        .ibus_valid(ibus_valid), .ibus_addr(ibus_addr), .ibus_ready(1'b1), .ibus_rdata(ibus_rdata),
        .ibus_err(ibus_err),
        .dbus_valid(dbus_valid), .dbus_addr(dbus_addr), .dbus_we(dbus_we), .dbus_wstrb(dbus_wstrb),
        .dbus_wdata(dbus_wdata), .dbus_ready(1'b1), .dbus_rdata(dbus_rdata), .dbus_err(dbus_err),
        .mtip(mtip), .msip(msip), .meip(meip), .seip(seip), .mtime(mtime),
        .commit_out(commit), .sleep_out(sleep),
        .retire_valid(retire_valid), .retire_pc(retire_pc), .retire_instr(retire_instr),
        .retire_priv(retire_priv), .retire_rd(retire_rd), .retire_rd_value(retire_rd_value),
        .trap_out_valid(trap_valid), .trap_out_cause(trap_cause), .trap_out_epc(trap_epc), .trap_out_tval(trap_tval)
    );

    // address decoding
    wire sel_test  = dbus_addr[63:12] == 52'h00000_0000_0100;
    wire sel_clint = dbus_addr[63:16] == 48'h0000_0000_0200;
    wire sel_uart  = dbus_addr[63:3] == 61'h0000_0000_0200_0000;
    wire sel_plic  = dbus_addr[63:24] == 40'h00_0000_000C;
    wire sel_ram   = dbus_addr >= 64'h8000_0000 && dbus_addr - 64'h8000_0000 < RAM_BYTES;
    assign dbus_err = !(sel_test || sel_clint || sel_uart || sel_plic || sel_ram);   // from the address alone

    wire [63:0] ram_rdata, clint_rdata, plic_rdata;
    wire [7:0]  uart_rdata;

    b2i_ram #(.BASE(64'h8000_0000), .BYTES(RAM_BYTES), .INIT_FILE(RAM_INIT)) ram (
        .clk(clk), .iaddr(ibus_addr), .irdata(ibus_rdata), .ierr(ibus_err),
        .dvalid(dbus_valid && sel_ram), .daddr(dbus_addr), .dwe(dbus_we), .dwstrb(dbus_wstrb),
        .dwdata(dbus_wdata), .drdata(ram_rdata)
    );

    b2i_uart uart (
        .clk(clk), .rst(rst), .valid(dbus_valid && sel_uart), .offset(dbus_addr[2:0]), .we(dbus_we),
        .wdata(dbus_wdata[{dbus_addr[2:0], 3'b0} +: 8]), .rdata(uart_rdata),
        .tx_valid(uart_tx_valid), .tx_byte(uart_tx_byte), .rx_valid(uart_rx_valid), .rx_byte(uart_rx_byte),
        .rx_pop(uart_rx_pop), .irq(uart_irq)
    );

    b2i_plic plic (
        .clk(clk), .rst(rst), .sources({21'b0, uart_irq, 8'b0, ext_irq, 1'b0}), .valid(dbus_valid && sel_plic),
        .offset(dbus_addr[23:0]), .we(dbus_we), .wstrb(dbus_wstrb), .wdata(dbus_wdata), .rdata(plic_rdata),
        .meip(meip), .seip(seip)
    );

    b2i_clint #(.RETIRED_TIME(RETIRED_TIME), .TICK_CYCLES(TICK_CYCLES)) clint (
        .clk(clk), .rst(rst), .retire(commit), .sleep(sleep), .valid(dbus_valid && sel_clint), .offset(dbus_addr[15:0]), .we(dbus_we),
        .wstrb(dbus_wstrb), .wdata(dbus_wdata), .rdata(clint_rdata), .mtip(mtip), .msip(msip), .mtime(mtime)
    );

    b2i_testdev testdev (
        .clk(clk), .rst(rst), .valid(dbus_valid && sel_test), .we(dbus_we),
        .wdata(dbus_addr[2] ? dbus_wdata[63:32] : dbus_wdata[31:0]), .finished(finished), .exit_code(exit_code)
    );

    always @(*) begin
        if (sel_ram) dbus_rdata = ram_rdata;
        else if (sel_clint) dbus_rdata = clint_rdata;
        else if (sel_plic) dbus_rdata = plic_rdata;
        else if (sel_uart) dbus_rdata = {56'b0, uart_rdata} << {dbus_addr[2:0], 3'b0};
        else dbus_rdata = 64'b0;
    end
endmodule
