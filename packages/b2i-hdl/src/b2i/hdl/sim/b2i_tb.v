// b2i_tb: the simulation harness around the SoC, shared by the Icarus and Verilator runners (not synthesized).
//
// The program: Verilator's C++ harness (harness.cpp) loads an ELF or hex file into RAM itself, through the
// exported functions below; under Icarus, +hex names a $readmemh file the runner wrote.
// Plusargs:  +hex=FILE         $readmemh image of 64-bit words loaded into RAM (word 0 at 0x8000_0000)
//            +hex_words=N      how many words the file holds
//            +uart=FILE        where transmitted UART bytes go (default: stdout)
//            +uart_in=FILE     bytes the UART receives, one by one as the program reads them
//            +trace=FILE       commit log, one Spike-style line per retired instruction (stack.md section 4)
//            +traps=FILE       one line per trap taken: "trap N cause=0x.. epc=0x.. tval=0x..", N = instructions
//                              retired before it (so a lockstep run can take the same interrupt at the same point)
//            +max_cycles=N     give up after N cycles (default 10,000,000)
// The run ends when the test device is written (two cycles later, when the store that wrote it retires) or at
// max_cycles; the last line on stdout is the summary the Python runner parses:
//   b2i-hdl: cycles=C instret=I finished=F exit=E
`timescale 1ns/1ps
module b2i_tb #(
    parameter [63:0] RAM_BYTES = 64'd1 << 24
) (
    input wire clk
);
    reg rst = 1'b1;
    wire uart_tx_valid, uart_rx_pop, finished, retire_valid;
    reg rx_valid = 1'b0;
    reg [7:0] rx_byte = 8'h00;
    wire [7:0] uart_tx_byte;
    wire [15:0] exit_code;
    wire [63:0] retire_pc, retire_rd_value;
    wire [31:0] retire_instr;
    wire [1:0] retire_priv;
    wire [4:0] retire_rd;
    wire trap_valid;
    wire [63:0] trap_cause, trap_epc, trap_tval;

    b2i_soc #(.RAM_BYTES(RAM_BYTES)) soc (
        .clk(clk), .rst(rst), .ext_irq(1'b0),
        .uart_tx_valid(uart_tx_valid), .uart_tx_byte(uart_tx_byte), .uart_rx_valid(rx_valid), .uart_rx_byte(rx_byte),
        .uart_rx_pop(uart_rx_pop), .finished(finished), .exit_code(exit_code),
        .retire_valid(retire_valid), .retire_pc(retire_pc), .retire_instr(retire_instr),
        .retire_priv(retire_priv), .retire_rd(retire_rd), .retire_rd_value(retire_rd_value),
        .trap_valid(trap_valid), .trap_cause(trap_cause), .trap_epc(trap_epc), .trap_tval(trap_tval)
    );

    reg [1023:0] hex_file, uart_file, trace_file, traps_file, input_file;
    integer uart_fd, trace_fd, traps_fd, input_fd, input_char, hex_words;
    reg [63:0] max_cycles, cycles, instret, finish_cycle;
    reg [1:0] drain;

    initial begin
        uart_fd = 32'h8000_0001;   // stdout
        trace_fd = 0;
        traps_fd = 0;
        max_cycles = 64'd10_000_000;
        if (!$value$plusargs("hex_words=%d", hex_words)) hex_words = 1;
        if ($value$plusargs("hex=%s", hex_file)) $readmemh(hex_file, soc.ram.mem, 0, hex_words - 1);
        if ($value$plusargs("uart=%s", uart_file)) uart_fd = $fopen(uart_file, "w");
        if ($value$plusargs("trace=%s", trace_file)) trace_fd = $fopen(trace_file, "w");
        if ($value$plusargs("traps=%s", traps_file)) traps_fd = $fopen(traps_file, "w");
        input_fd = 0;
        if ($value$plusargs("uart_in=%s", input_file)) begin
            input_fd = $fopen(input_file, "rb");
            input_char = (input_fd != 0) ? $fgetc(input_fd) : -1;
            rx_valid = input_char >= 0;
            rx_byte = input_char[7:0];
        end
        if (!$value$plusargs("max_cycles=%d", max_cycles)) max_cycles = 64'd10_000_000;
        cycles = 0; instret = 0; drain = 0; finish_cycle = 0;
    end

`ifdef VERILATOR
    // For harness.cpp: RAM's size in 64-bit words, and a write of one word (before the clock starts).
    export "DPI-C" function b2i_tb_ram_words;
    export "DPI-C" function b2i_tb_ram_write;
    function int b2i_tb_ram_words();
        b2i_tb_ram_words = RAM_BYTES / 8;
    endfunction
    function void b2i_tb_ram_write(input int index, input longint value);
        soc.ram.mem[index] = value;
    endfunction
`endif

    always @(posedge clk) begin
        cycles <= cycles + 64'd1;
        if (cycles == 64'd2) rst <= 1'b0;
        if (uart_rx_pop) begin   // the program took the byte: offer the next one
            input_char = $fgetc(input_fd);
            rx_valid <= input_char >= 0;
            rx_byte <= input_char[7:0];
        end
        if (uart_tx_valid) begin
            $fwrite(uart_fd, "%c", uart_tx_byte);
            $fflush(uart_fd);
        end
        if (retire_valid && drain != 2'd2) begin
            instret <= instret + 64'd1;
            if (trace_fd != 0) begin
                $fwrite(trace_fd, "core   0: %0d 0x%016h (0x%08h)", retire_priv, retire_pc, retire_instr);
                if (retire_rd != 5'd0 && retire_rd < 5'd10)
                    $fwrite(trace_fd, " x%0d  0x%016h", retire_rd, retire_rd_value);
                else if (retire_rd != 5'd0)
                    $fwrite(trace_fd, " x%0d 0x%016h", retire_rd, retire_rd_value);
                $fwrite(trace_fd, "\n");
            end
        end
        // a trap is reported in the cycle its older instructions finish retiring: count this cycle's retire first
        if (trap_valid && traps_fd != 0 && drain != 2'd2)
            $fwrite(traps_fd, "trap %0d cause=0x%016h epc=0x%016h tval=0x%016h\n",
                    instret + (retire_valid ? 64'd1 : 64'd0), trap_cause, trap_epc, trap_tval);
        if (finished && drain == 2'd0) finish_cycle <= cycles - 64'd3;
        if (finished && drain != 2'd2) drain <= drain + 2'd1;
        if (drain == 2'd2 || cycles >= max_cycles) begin
            $display("b2i-hdl: cycles=%0d instret=%0d finished=%0d exit=%0d",
                     finished ? finish_cycle : cycles - 64'd3, instret, finished, exit_code);
            if (trace_fd != 0) $fclose(trace_fd);
            if (traps_fd != 0) $fclose(traps_fd);
            if (uart_fd != 32'h8000_0001) $fclose(uart_fd);
            $finish;
        end
    end
endmodule
