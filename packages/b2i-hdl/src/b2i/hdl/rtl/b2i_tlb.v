// b2i_tlb: a small fully associative translation cache for Sv39, with a fetch port and a data port.
//
// Each entry maps one page (4 KiB, 2 MiB or 1 GiB: `level` 0, 1, 2) to its physical page number and keeps the
// leaf PTE's flag bits, which the core checks on every hit (permissions depend on the current privilege,
// SUM and MXR, so they are not baked into the entry). The walker refills it; replacement is round-robin;
// sfence.vma and satp writes flush it whole (ASIDs are not used).
`timescale 1ns/1ps
module b2i_tlb #(
    parameter ENTRIES = 8
) (
    input  wire        clk,
    input  wire        rst,
    input  wire        flush,
    // lookup ports: virtual address in, hit / physical address / PTE flags out
    input  wire [63:0] va_a,
    output reg         hit_a,
    output reg  [63:0] pa_a,
    output reg  [7:0]  flags_a,
    input  wire [63:0] va_b,
    output reg         hit_b,
    output reg  [63:0] pa_b,
    output reg  [7:0]  flags_b,
    // refill from the page-table walker
    input  wire        fill,
    input  wire [63:0] fill_va,
    input  wire [43:0] fill_ppn,
    input  wire [1:0]  fill_level,
    input  wire [7:0]  fill_flags
);
    localparam IW = (ENTRIES > 1) ? $clog2(ENTRIES) : 1;
    reg            valid [0:ENTRIES-1];
    reg [26:0]     vpn   [0:ENTRIES-1];
    reg [43:0]     ppn   [0:ENTRIES-1];
    reg [1:0]      level [0:ENTRIES-1];
    reg [7:0]      flags [0:ENTRIES-1];
    reg [IW-1:0]   next;

    // Entry i maps va's page when the VPN bits its page size covers agree (superpages compare fewer); the
    // physical address is the entry's PPN with the page offset (larger for superpages) from va. Written out
    // inline (no functions reading the arrays), so Icarus re-evaluates it whenever an entry changes.
    reg match_a, match_b;
    integer i;
    always @(*) begin
        hit_a = 1'b0; pa_a = 64'b0; flags_a = 8'b0;
        hit_b = 1'b0; pa_b = 64'b0; flags_b = 8'b0;
        for (i = 0; i < ENTRIES; i = i + 1) begin
            match_a = valid[i] && va_a[38:30] == vpn[i][26:18] && (level[i] == 2'd2 || (va_a[29:21] == vpn[i][17:9]
                      && (level[i] == 2'd1 || va_a[20:12] == vpn[i][8:0])));
            match_b = valid[i] && va_b[38:30] == vpn[i][26:18] && (level[i] == 2'd2 || (va_b[29:21] == vpn[i][17:9]
                      && (level[i] == 2'd1 || va_b[20:12] == vpn[i][8:0])));
            if (match_a) begin
                hit_a = 1'b1;
                flags_a = flags[i];
                pa_a = level[i] == 2'd2 ? {8'b0, ppn[i][43:18], va_a[29:0]}
                     : level[i] == 2'd1 ? {8'b0, ppn[i][43:9], va_a[20:0]} : {8'b0, ppn[i], va_a[11:0]};
            end
            if (match_b) begin
                hit_b = 1'b1;
                flags_b = flags[i];
                pa_b = level[i] == 2'd2 ? {8'b0, ppn[i][43:18], va_b[29:0]}
                     : level[i] == 2'd1 ? {8'b0, ppn[i][43:9], va_b[20:0]} : {8'b0, ppn[i], va_b[11:0]};
            end
        end
    end

    always @(posedge clk) begin
        if (rst || flush) begin
            for (i = 0; i < ENTRIES; i = i + 1) valid[i] <= 1'b0;
            next <= {IW{1'b0}};
        end else if (fill) begin
            valid[next] <= 1'b1;
            vpn[next] <= fill_va[38:12];
            ppn[next] <= fill_ppn;
            level[next] <= fill_level;
            flags[next] <= fill_flags;
            next <= next + 1'b1;
        end
    end
endmodule
