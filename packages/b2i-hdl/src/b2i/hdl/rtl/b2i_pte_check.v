// b2i_pte_check: may this access use this leaf page-table entry? (Sv39 permission rules)
//
// Shared by the TLB-hit path of the core and the page-table walker, so both apply the same rules:
// fetch needs X; load needs R (or X when mstatus.MXR is set); store and AMO need W. U-mode may only touch
// U pages; S-mode may not execute U pages, and may load/store them only when mstatus.SUM is set.
// The Accessed/Dirty bits are not checked here: the walker sets them (as QEMU does) instead of faulting.
`timescale 1ns/1ps
module b2i_pte_check (
    input  wire [7:0] flags,     // PTE bits D A G U X W R V
    input  wire [1:0] access,    // 0 fetch, 1 load, 2 store/AMO
    input  wire [1:0] priv,      // effective privilege of the access (never M: M does not translate)
    input  wire       sum,
    input  wire       mxr,
    output wire       ok
);
    wire r = flags[1], w = flags[2], x = flags[3], u = flags[4];
    wire user_ok = (priv == 2'd0) ? u : (!u || (access != 2'd0 && sum));
    wire kind_ok = (access == 2'd0) ? x : (access == 2'd1) ? (r || (mxr && x)) : w;
    assign ok = user_ok && kind_ok;
endmodule
