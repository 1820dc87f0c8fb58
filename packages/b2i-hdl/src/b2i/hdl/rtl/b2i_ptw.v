// b2i_ptw: the Sv39 hardware page-table walker.
//
// Given a virtual address, the access kind and the effective privilege, it reads up to three PTEs through its
// memory port (the valid/ready protocol of docs/bus.md), checks the leaf (b2i_pte_check, superpage alignment),
// and sets the Accessed bit, and Dirty for a store, by writing the PTE back, as QEMU and b2i-sim do. It ends
// with `done` for one cycle: either a refill for the TLB, or `fault` (page fault) / `access_fault` (a PTE
// address that selects no device). A non-canonical address (bits 63..39 not copies of bit 38) faults at once.
// `kill` abandons a walk (sfence.vma or a satp write).
`timescale 1ns/1ps
module b2i_ptw (
    input  wire        clk,
    input  wire        rst,
    input  wire        kill,
    input  wire        start,
    input  wire [63:0] va,
    input  wire [1:0]  access,      // 0 fetch, 1 load, 2 store/AMO
    input  wire [1:0]  priv,
    input  wire        sum,
    input  wire        mxr,
    input  wire [43:0] root_ppn,    // satp.PPN
    output wire        busy,
    // memory port
    output wire        mem_valid,
    output reg  [63:0] mem_addr,
    output wire        mem_we,
    output wire [63:0] mem_wdata,
    input  wire        mem_ready,
    input  wire [63:0] mem_rdata,
    input  wire        mem_err,
    // result
    output reg         done,
    output reg         fault,
    output reg         access_fault,
    output reg  [63:0] result_va,
    output reg  [43:0] result_ppn,
    output reg  [1:0]  result_level,
    output reg  [7:0]  result_flags
);
    localparam [1:0] IDLE = 2'd0, READ = 2'd1, WRITE = 2'd2;
    reg [1:0]  state;
    reg [1:0]  level;
    reg [63:0] pte;
    reg [1:0]  access_q, priv_q;
    reg        sum_q, mxr_q;

    assign busy = state != IDLE;
    assign mem_valid = state == READ || state == WRITE;
    assign mem_we = state == WRITE;
    wire [7:0] new_flags = pte[7:0] | 8'h40 | (access_q == 2'd2 ? 8'h80 : 8'h00);   // A, and D on a store
    assign mem_wdata = {pte[63:8], new_flags};

    // the PTE just read
    wire [63:0] rd = mem_rdata;
    wire        leaf = rd[1] || rd[3];
    wire        invalid = !rd[0] || (!rd[1] && rd[2]);
    wire        misaligned_super = (level == 2'd2 && rd[27:10] != 18'b0) || (level == 2'd1 && rd[18:10] != 9'b0);
    wire        perm_ok;
    b2i_pte_check check (.flags(rd[7:0]), .access(access_q), .priv(priv_q), .sum(sum_q), .mxr(mxr_q),
                         .ok(perm_ok));

    function [63:0] pte_address(input [43:0] table_ppn, input [63:0] v, input [1:0] lvl);
        case (lvl)
            2'd2:    pte_address = {8'b0, table_ppn, 12'b0} + {52'b0, v[38:30], 3'b0};
            2'd1:    pte_address = {8'b0, table_ppn, 12'b0} + {52'b0, v[29:21], 3'b0};
            default: pte_address = {8'b0, table_ppn, 12'b0} + {52'b0, v[20:12], 3'b0};
        endcase
    endfunction

    always @(posedge clk) begin
        done <= 1'b0;
        if (rst || kill) begin
            state <= IDLE;
        end else begin
            case (state)
                IDLE: if (start) begin
                    result_va <= va;
                    access_q <= access; priv_q <= priv; sum_q <= sum; mxr_q <= mxr;
                    fault <= 1'b0;
                    access_fault <= 1'b0;
                    if (va[63:39] != {25{va[38]}}) begin
                        fault <= 1'b1;
                        done <= 1'b1;
                    end else begin
                        level <= 2'd2;
                        mem_addr <= pte_address(root_ppn, va, 2'd2);
                        state <= READ;
                    end
                end
                READ: if (mem_ready) begin
                    pte <= rd;
                    if (mem_err) begin
                        access_fault <= 1'b1; done <= 1'b1; state <= IDLE;
                    end else if (invalid || (leaf && (!perm_ok || misaligned_super)) || (!leaf && level == 2'd0)) begin
                        fault <= 1'b1; done <= 1'b1; state <= IDLE;
                    end else if (!leaf) begin
                        level <= level - 2'd1;
                        mem_addr <= pte_address(rd[53:10], result_va, level - 2'd1);
                    end else if (!rd[6] || (access_q == 2'd2 && !rd[7])) begin
                        state <= WRITE;          // set A (and D) first
                    end else begin
                        result_ppn <= rd[53:10]; result_level <= level; result_flags <= rd[7:0];
                        done <= 1'b1; state <= IDLE;
                    end
                end
                WRITE: if (mem_ready) begin
                    result_ppn <= pte[53:10]; result_level <= level; result_flags <= new_flags;
                    done <= 1'b1; state <= IDLE;
                end
                default: state <= IDLE;
            endcase
        end
    end
endmodule
