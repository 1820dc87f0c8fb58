// b2i_core: the RV64IMA CPU, a classic five-stage in-order pipeline.
//
//   IF  fetch the word at pc_f from the instruction bus; a branch target buffer predicts the next pc
//   ID  decode, read registers, build the immediate; stall one cycle on a load-use hazard
//   EX  ALU, branch decision (a wrong prediction redirects fetch and flushes IF/ID), the iterative mul/div unit
//   MEM loads, stores, LR/SC/AMOs, CSR accesses, traps and mret/sret: the commit point
//   WB  write the register file; report the retired instruction on the retire port
//
// Results are forwarded from MEM and WB to EX. Everything that can change machine state other than a
// register (memory, CSRs, privilege) happens in MEM, so an exception or interrupt there is precise: older
// instructions have completed, younger ones are flushed. CSR instructions, fence.i, sfence.vma and xRET also
// flush and refetch the instructions after them, so a CSR write is seen by everything that follows.
// Both buses use the valid/ready protocol of docs/bus.md: the request completes in the cycle ready is high,
// with the read data valid in that same cycle.
// Sv39 virtual memory: a shared TLB (b2i_tlb) translates the fetch address in IF and the data address in MEM;
// on a miss the stage waits while the page-table walker (b2i_ptw) borrows the data bus, then looks again.
// An FPU would sit beside the ALU and mul/div unit in EX, fed by a floating-point register file read in ID.
`timescale 1ns/1ps
module b2i_core #(
    parameter [63:0] RESET_PC = 64'h8000_0000
) (
    input  wire        clk,
    input  wire        rst,
    // instruction bus (read only)
    output wire        ibus_valid,
    output wire [63:0] ibus_addr,
    input  wire        ibus_ready,
    input  wire [31:0] ibus_rdata,
    input  wire        ibus_err,
    // data bus: 64-bit lanes, addr is the byte address, wstrb selects bytes of the aligned doubleword
    output wire        dbus_valid,
    output wire [63:0] dbus_addr,
    output wire        dbus_we,
    output wire [7:0]  dbus_wstrb,
    output wire [63:0] dbus_wdata,
    input  wire        dbus_ready,
    input  wire [63:0] dbus_rdata,
    input  wire        dbus_err,
    // interrupts and time
    input  wire        mtip,
    input  wire        msip,
    input  wire        meip,
    input  wire        seip,
    input  wire [63:0] mtime,
    // to the CLINT's deterministic time base: an instruction commits (in MEM) now; it is a wfi that sleeps
    output wire        commit_out,
    output wire        sleep_out,
    // one retired instruction per cycle at most (for commit logs and counting)
    output reg         retire_valid,
    output reg  [63:0] retire_pc,
    output reg  [31:0] retire_instr,
    output reg  [1:0]  retire_priv,
    output reg  [4:0]  retire_rd,      // 0 when the instruction writes no register
    output reg  [63:0] retire_rd_value,
    // a trap was taken (exception or interrupt): reported after the instructions older than it have retired
    output reg         trap_out_valid,
    output reg  [63:0] trap_out_cause,     // mcause/scause encoding: interrupt bit 63, code below
    output reg  [63:0] trap_out_epc,
    output reg  [63:0] trap_out_tval
);
`include "b2i_ops.vh"

    // ------------------------------------------------------------------ stage registers
    reg [63:0] pc_f;

    reg        id_valid;
    reg [63:0] id_pc;
    reg [31:0] id_instr;
    reg        id_fault;
    reg [3:0]  id_fault_code;   // 1 instruction access fault, 12 instruction page fault
    reg        id_pred_taken;   // the BTB sent fetch to id_pred_target after this instruction
    reg [63:0] id_pred_target;

    reg        ex_valid;
    reg [63:0] ex_pc;
    reg [31:0] ex_instr;
    reg [4:0]  ex_rd, ex_rs1, ex_rs2;
    reg        ex_writes_rd;
    reg [63:0] ex_rs1_val, ex_rs2_val, ex_imm;
    reg [3:0]  ex_alu_op;
    reg        ex_alu_word, ex_alu_b_imm;
    reg [1:0]  ex_alu_a_sel;
    reg        ex_is_branch, ex_is_jal, ex_is_jalr, ex_is_load, ex_is_store, ex_is_muldiv, ex_is_amo, ex_is_csr;
    reg        ex_is_ecall, ex_is_ebreak, ex_is_mret, ex_is_sret, ex_is_wfi, ex_is_fence_i, ex_is_sfence;
    reg [2:0]  ex_funct3;
    reg        ex_pred_taken;
    reg [63:0] ex_pred_target;
    reg        ex_exc;
    reg [3:0]  ex_exc_code;
    reg [63:0] ex_exc_tval;

    reg        mem_valid;
    reg [63:0] mem_pc;
    reg [31:0] mem_instr;
    reg [4:0]  mem_rd;
    reg        mem_writes_rd;
    reg [63:0] mem_result;     // ALU result, link address or mul/div result
    reg [63:0] mem_addr;
    reg [63:0] mem_store_val;
    reg [63:0] mem_csr_src;
    reg        mem_is_load, mem_is_store, mem_is_amo, mem_is_csr;
    reg        mem_is_ecall, mem_is_ebreak, mem_is_mret, mem_is_sret, mem_is_wfi, mem_is_fence_i, mem_is_sfence;
    reg [2:0]  mem_funct3;
    reg        mem_exc;
    reg [3:0]  mem_exc_code;
    reg [63:0] mem_exc_tval;

    reg        wb_valid;
    reg [63:0] wb_pc;
    reg [31:0] wb_instr;
    reg [1:0]  wb_priv;
    reg [4:0]  wb_rd;
    reg        wb_writes_rd;
    reg [63:0] wb_result;

    // ------------------------------------------------------------------ ID: decode and register read
    wire        d_illegal, d_uses_rs1, d_uses_rs2, d_writes_rd, d_alu_word, d_alu_b_imm;
    wire [4:0]  d_rd, d_rs1, d_rs2, d_amo_op;
    wire [2:0]  d_imm_fmt, d_funct3;
    wire [3:0]  d_alu_op;
    wire [1:0]  d_alu_a_sel;
    wire        d_is_branch, d_is_jal, d_is_jalr, d_is_load, d_is_store, d_is_muldiv, d_is_amo, d_is_csr;
    wire        d_is_ecall, d_is_ebreak, d_is_mret, d_is_sret, d_is_wfi, d_is_fence_i, d_is_sfence;
    wire [63:0] d_imm, rf_rdata1, rf_rdata2;

    b2i_decoder decoder (
        .instr(id_instr), .illegal(d_illegal), .rd(d_rd), .rs1(d_rs1), .rs2(d_rs2),
        .uses_rs1(d_uses_rs1), .uses_rs2(d_uses_rs2), .writes_rd(d_writes_rd), .imm_fmt(d_imm_fmt),
        .alu_op(d_alu_op), .alu_word(d_alu_word), .alu_a_sel(d_alu_a_sel), .alu_b_imm(d_alu_b_imm),
        .is_branch(d_is_branch), .is_jal(d_is_jal), .is_jalr(d_is_jalr), .is_load(d_is_load),
        .is_store(d_is_store), .funct3(d_funct3), .is_muldiv(d_is_muldiv), .is_amo(d_is_amo), .amo_op(d_amo_op),
        .is_csr(d_is_csr), .is_ecall(d_is_ecall), .is_ebreak(d_is_ebreak), .is_mret(d_is_mret),
        .is_sret(d_is_sret), .is_wfi(d_is_wfi), .is_fence_i(d_is_fence_i), .is_sfence_vma(d_is_sfence)
    );
    b2i_imm imm_gen (.instr(id_instr), .fmt(d_imm_fmt), .imm(d_imm));

    wire rf_we = wb_valid && wb_writes_rd;
    b2i_regfile regfile (
        .clk(clk), .raddr1(d_rs1), .rdata1(rf_rdata1), .raddr2(d_rs2), .rdata2(rf_rdata2),
        .we(rf_we), .waddr(wb_rd), .wdata(wb_result)
    );

    // A result produced in MEM (load, AMO, CSR read) cannot be forwarded to EX in time: hold ID one cycle.
    wire ex_is_late = ex_is_load || ex_is_amo || ex_is_csr;
    wire load_use = id_valid && ex_valid && ex_is_late && ex_writes_rd &&
                    ((d_uses_rs1 && d_rs1 == ex_rd) || (d_uses_rs2 && d_rs2 == ex_rd));

    // ------------------------------------------------------------------ EX: forwarding, ALU, branches, mul/div
    wire [63:0] fwd_rs1 = (mem_valid && mem_writes_rd && mem_rd == ex_rs1) ? mem_result :
                          (wb_valid && wb_writes_rd && wb_rd == ex_rs1) ? wb_result : ex_rs1_val;
    wire [63:0] fwd_rs2 = (mem_valid && mem_writes_rd && mem_rd == ex_rs2) ? mem_result :
                          (wb_valid && wb_writes_rd && wb_rd == ex_rs2) ? wb_result : ex_rs2_val;

    wire [63:0] alu_a = (ex_alu_a_sel == ASEL_PC) ? ex_pc : (ex_alu_a_sel == ASEL_ZERO) ? 64'b0 : fwd_rs1;
    wire [63:0] alu_b = ex_alu_b_imm ? ex_imm : fwd_rs2;
    wire [63:0] alu_y;
    b2i_alu alu (.op(ex_alu_op), .word(ex_alu_word), .a(alu_a), .b(alu_b), .y(alu_y));

    reg branch_cond;
    always @(*) begin
        case (ex_funct3)
            3'd0: branch_cond = fwd_rs1 == fwd_rs2;
            3'd1: branch_cond = fwd_rs1 != fwd_rs2;
            3'd4: branch_cond = $signed(fwd_rs1) < $signed(fwd_rs2);
            3'd5: branch_cond = $signed(fwd_rs1) >= $signed(fwd_rs2);
            3'd6: branch_cond = fwd_rs1 < fwd_rs2;
            default: branch_cond = fwd_rs1 >= fwd_rs2;
        endcase
    end
    wire        ex_taken = ex_is_jal || ex_is_jalr || (ex_is_branch && branch_cond);
    wire [63:0] jalr_sum = fwd_rs1 + ex_imm;
    wire [63:0] ex_target = ex_is_jalr ? {jalr_sum[63:1], 1'b0} : ex_pc + ex_imm;
    wire        ex_target_misaligned = ex_taken && ex_target[1];

    wire        md_done;
    wire [63:0] md_result;
    wire        stall_ex = ex_valid && ex_is_muldiv && !ex_exc && !md_done;

    // ------------------------------------------------------------------ MEM: exceptions and interrupts
    wire [1:0]  priv;
    wire        irq_pending, csr_illegal, csr_tsr, csr_tw, csr_tvm, csr_mprv, csr_sum, csr_mxr;
    wire [1:0]  csr_mpp;
    wire [63:0] csr_satp;
    wire [3:0]  irq_code;
    wire [63:0] csr_rdata, trap_target, mepc, sepc;

    wire [1:0] size_log2 = mem_funct3[1:0];
    wire misaligned = (size_log2 == 2'd1 && mem_addr[0]) || (size_log2 == 2'd2 && mem_addr[1:0] != 2'b0)
                   || (size_log2 == 2'd3 && mem_addr[2:0] != 3'b0);
    // Misaligned loads and stores are done in hardware, as QEMU and b2i-sim do: inside one doubleword in one
    // access, across two doublewords in two (low part, then high part). Under translation an access that
    // crosses a page boundary translates each page in turn (xlate_va); a store first translates both pages
    // without writing (xstep 0, 1), so a fault on the high page leaves memory untouched, as in b2i-sim.
    // Misaligned LR/SC/AMOs trap.
    wire [3:0] size_bytes = 4'd1 << size_log2;
    wire split = (mem_is_load || mem_is_store) && ({1'b0, mem_addr[2:0]} + size_bytes > 4'd8);
    wire [4:0] amo_op = mem_instr[31:27];
    wire is_lr = mem_is_amo && amo_op == 5'b00010;
    wire is_sc = mem_is_amo && amo_op == 5'b00011;
    wire is_rmw = mem_is_amo && !is_lr && !is_sc;

    // ---- MEM: address translation (loads and stores use MPP's privilege when mstatus.MPRV is set in M)
    wire        sv39 = csr_satp[63:60] == 4'd8;
    wire [1:0]  mem_priv = (csr_mprv && priv == 2'd3) ? csr_mpp : priv;
    wire        mem_memop = mem_is_load || mem_is_store || mem_is_amo;
    // LR reserves a virtual address (as QEMU and b2i-sim do): an SC to another address fails without
    // translating or touching memory, so it cannot fault.
    reg         resv_valid;
    reg  [63:0] resv_addr;
    wire        sc_ok = is_sc && resv_valid && resv_addr == mem_addr;
    wire        mem_vm = sv39 && mem_priv != 2'd3 && mem_memop && !(is_sc && !sc_ok);
    wire        split_crosses_page = split && mem_vm && mem_addr[11:3] == 9'h1FF;
    reg         split_phase;   // a split access: 0 the low doubleword, 1 the high one
    reg  [1:0]  xstep;         // a page-crossing store: 0 translate the low page, 1 the high one, 2 write
    wire        store_holds = split_crosses_page && mem_is_store && xstep != 2'd2;
    wire        xlate_high = split_crosses_page && (split_phase || (mem_is_store && xstep == 2'd1));
    wire [63:0] xlate_va = xlate_high ? {mem_addr[63:12] + 52'd1, 12'b0} : mem_addr;  // the page translated now
    // An AMO translates its read as a load (setting A) and its write as a store (setting D), as b2i-sim does;
    // a fault in either part is a store/AMO fault.
    reg         amo_phase;     // AMO read-modify-write: 0 read, 1 write
    wire [1:0]  mem_access = (mem_is_load || is_lr || (is_rmw && !amo_phase)) ? 2'd1 : 2'd2;
    wire        fault_as_load = mem_access == 2'd1 && !is_rmw;
    wire        tlb_hit_b, mem_perm_ok;
    wire [63:0] tlb_pa_b;
    wire [7:0]  tlb_flags_b;
    b2i_pte_check mem_check (.flags(tlb_flags_b), .access(mem_access), .priv(mem_priv), .sum(csr_sum),
                             .mxr(csr_mxr), .ok(mem_perm_ok));
    reg         wf_valid, wf_owner_mem, wf_access;   // the last walk faulted: for which page, for whom
    reg  [51:0] wf_vpn;
    wire        mem_tlb_ok = tlb_hit_b && mem_perm_ok && !(mem_access == 2'd2 && !tlb_flags_b[7]);
    wire        mem_wf_match = wf_valid && wf_owner_mem && wf_vpn == xlate_va[63:12];
    wire        mem_pf = mem_vm && ((tlb_hit_b && !mem_perm_ok) || (!mem_tlb_ok && mem_wf_match));
    wire [3:0]  mem_pf_code = (!tlb_hit_b && wf_access) ? (fault_as_load ? 4'd5 : 4'd7)
                                                        : (fault_as_load ? 4'd13 : 4'd15);
    wire        mem_needs_walk = mem_vm && !mem_tlb_ok && !mem_pf;
    wire [63:0] mem_pa = mem_vm ? tlb_pa_b : xlate_va;
    reg  [63:0] split_low;     // what the low doubleword read
    wire        ptw_busy, ptw_mem_valid, ptw_mem_we;
    // A physical address no device answers: the bus says so from the address alone (docs/bus.md), in time for
    // the memory stage to trap instead of accessing it. (A failing SC touches no memory, so it never faults.)
    wire        mem_access_fault = mem_valid && (mem_is_load || mem_is_store || (mem_is_amo && !is_sc) || sc_ok)
                                && !mem_needs_walk && !ptw_busy && !store_holds && dbus_err;

    reg        sys_exc;
    reg [3:0]  sys_code;
    reg [63:0] sys_tval;
    always @(*) begin
        sys_exc = 1'b1; sys_code = 4'd2; sys_tval = {32'b0, mem_instr};
        if (mem_exc) begin
            sys_code = mem_exc_code; sys_tval = mem_exc_tval;
        end else if (is_lr && misaligned) begin
            sys_code = 4'd4; sys_tval = mem_addr;
        end else if ((is_sc || is_rmw) && misaligned) begin
            sys_code = 4'd6; sys_tval = mem_addr;
        end else if (mem_pf) begin
            sys_code = mem_pf_code; sys_tval = xlate_va;
        end else if (mem_access_fault) begin
            sys_code = fault_as_load ? 4'd5 : 4'd7; sys_tval = xlate_va;
        end else if (mem_is_ecall) begin
            sys_code = 4'd8 + {2'b0, priv}; sys_tval = 64'b0;
        end else if (mem_is_ebreak) begin
            sys_code = 4'd3; sys_tval = 64'b0;   // mtval 0, as on QEMU
        end else if (mem_is_csr && csr_illegal) begin
        end else if (mem_is_mret && priv != 2'd3) begin
        end else if (mem_is_sret && (priv == 2'd0 || (priv == 2'd1 && csr_tsr))) begin
        end else if (mem_is_wfi && (priv == 2'd0 || (priv == 2'd1 && csr_tw))) begin
        end else if (mem_is_sfence && (priv == 2'd0 || (priv == 2'd1 && csr_tvm))) begin
        end else begin
            sys_exc = 1'b0;
        end
    end

    reg mem_waiting;  // the memory stage has a bus access in flight: not interruptible
    wire take_irq = mem_valid && irq_pending && !mem_waiting;
    wire trap = mem_valid && (take_irq || sys_exc);
    wire [3:0]  trap_code = take_irq ? irq_code : sys_code;
    wire [63:0] trap_tval = take_irq ? 64'b0 : sys_tval;

    // ------------------------------------------------------------------ MEM: loads, stores, atomics
    reg [63:0] amo_old;       // the value read in phase 0, as the instruction sees it

    // the loaded value, shifted down from its byte lane and extended
    wire [127:0] both_words = {dbus_rdata, split_phase ? split_low : dbus_rdata};
    wire [63:0]  lane_data = split_phase ? both_words[{1'b0, mem_addr[2:0], 3'b0} +: 64]
                                         : dbus_rdata >> {mem_addr[2:0], 3'b0};
    reg  [63:0] load_value;
    always @(*) begin
        case (mem_funct3)
            3'd0: load_value = {{56{lane_data[7]}}, lane_data[7:0]};
            3'd1: load_value = {{48{lane_data[15]}}, lane_data[15:0]};
            3'd2: load_value = {{32{lane_data[31]}}, lane_data[31:0]};
            3'd4: load_value = {56'b0, lane_data[7:0]};
            3'd5: load_value = {48'b0, lane_data[15:0]};
            3'd6: load_value = {32'b0, lane_data[31:0]};
            default: load_value = lane_data;
        endcase
    end

    // the new memory value of an AMO (W forms compare and compute on the sign-extended words)
    wire        amo_w = mem_funct3 == 3'd2;
    wire [63:0] amo_b = amo_w ? {{32{mem_store_val[31]}}, mem_store_val[31:0]} : mem_store_val;
    reg  [63:0] amo_new;
    always @(*) begin
        case (amo_op)
            5'b00001: amo_new = amo_b;
            5'b00000: amo_new = amo_old + amo_b;
            5'b00100: amo_new = amo_old ^ amo_b;
            5'b01100: amo_new = amo_old & amo_b;
            5'b01000: amo_new = amo_old | amo_b;
            5'b10000: amo_new = ($signed(amo_old) < $signed(amo_b)) ? amo_old : amo_b;
            5'b10100: amo_new = ($signed(amo_old) > $signed(amo_b)) ? amo_old : amo_b;
            5'b11000: amo_new = (amo_old < amo_b) ? amo_old : amo_b;
            5'b11100: amo_new = (amo_old > amo_b) ? amo_old : amo_b;
            default:  amo_new = amo_b;  // SC stores rs2
        endcase
    end

    wire [7:0]  size_mask = (size_log2 == 2'd0) ? 8'h01 : (size_log2 == 2'd1) ? 8'h03 :
                            (size_log2 == 2'd2) ? 8'h0F : 8'hFF;
    wire        mem_writes_bus = mem_is_store || (is_sc && sc_ok) || (is_rmw && amo_phase);
    wire        mem_reads_bus = mem_is_load || is_lr || (is_rmw && !amo_phase);
    wire [63:0] store_value = mem_is_amo ? amo_new : mem_store_val;

    // The walker borrows the data bus while it is busy; the memory stage then waits.
    wire [63:0] ptw_mem_addr, ptw_mem_wdata;
    wire mem_bus_req = mem_valid && !trap && (mem_writes_bus || mem_reads_bus) && !mem_needs_walk && !store_holds;
    wire mem_bus_go = mem_bus_req && !ptw_busy && dbus_ready;   // the memory stage's access completes now
    assign dbus_valid = ptw_busy ? ptw_mem_valid : mem_bus_req;
    // bytes and strobes of the access across two doublewords; a split access sends the high half in phase 1
    wire [15:0]  strobes = {8'b0, size_mask} << mem_addr[2:0];
    wire [127:0] store_lanes = {64'b0, store_value} << {mem_addr[2:0], 3'b0};
    assign dbus_addr = ptw_busy ? ptw_mem_addr
                     : (split_phase && !split_crosses_page) ? {mem_pa[63:3] + 61'd1, 3'b0} : mem_pa;
    assign dbus_we = ptw_busy ? ptw_mem_we : mem_writes_bus;
    assign dbus_wstrb = ptw_busy ? (ptw_mem_we ? 8'hFF : 8'h00) : !mem_writes_bus ? 8'b0
                      : split_phase ? strobes[15:8] : strobes[7:0];
    assign dbus_wdata = ptw_busy ? ptw_mem_wdata : split_phase ? store_lanes[127:64] : store_lanes[63:0];

    wire stall_mem = (mem_valid && !trap && (mem_needs_walk || store_holds)) || (mem_bus_req && !mem_bus_go)
                  || (mem_bus_go && is_rmw && !amo_phase) || (mem_bus_go && split && !split_phase);

    reg [63:0] mem_final;
    always @(*) begin
        if (mem_is_load || is_lr) mem_final = load_value;
        else if (is_sc) mem_final = {63'b0, !sc_ok};
        else if (is_rmw) mem_final = amo_old;
        else if (mem_is_csr) mem_final = csr_rdata;
        else mem_final = mem_result;
    end

    // ------------------------------------------------------------------ CSR file
    wire csr_commit = mem_valid && mem_is_csr && !trap;
    wire wfi_waits_timer;
    assign commit_out = mem_valid && !trap && !stall_mem;
    assign sleep_out = commit_out && mem_is_wfi && wfi_waits_timer;
    wire mret_take = mem_valid && mem_is_mret && !trap;
    wire sret_take = mem_valid && mem_is_sret && !trap;

    b2i_csr #(.HAS_SV39(1)) csr (
        .clk(clk), .rst(rst), .mtip(mtip), .msip(msip), .meip(meip), .seip(seip), .mtime(mtime),
        .retire(wb_valid),
        .addr(mem_instr[31:20]), .op(mem_funct3), .wsrc(mem_csr_src), .src_is_zero(mem_instr[19:15] == 5'd0),
        .commit(csr_commit), .rdata(csr_rdata), .illegal(csr_illegal),
        .trap_take(trap), .trap_is_irq(take_irq), .trap_code(trap_code), .trap_tval(trap_tval),
        .trap_pc(mem_pc), .trap_target(trap_target), .mret_take(mret_take), .sret_take(sret_take),
        .mepc_out(mepc), .sepc_out(sepc), .priv(priv), .irq_pending(irq_pending), .irq_code(irq_code),
        .wfi_waits_timer(wfi_waits_timer),
        .tsr(csr_tsr), .tw(csr_tw), .tvm(csr_tvm), .mprv(csr_mprv), .mpp(csr_mpp), .sum(csr_sum), .mxr(csr_mxr),
        .satp(csr_satp)
    );

    // ------------------------------------------------------------------ redirects and pipeline control
    wire mem_redirect = trap || (mem_valid && !stall_mem &&
                        (mem_is_mret || mem_is_sret || mem_is_csr || mem_is_fence_i || mem_is_sfence));
    wire [63:0] mem_target = trap ? trap_target : mret_take ? mepc : sret_take ? sepc : mem_pc + 64'd4;

    wire ex_advance = !stall_mem && !stall_ex;
    wire id_advance = ex_advance && !load_use;
    // The fetch went where the BTB predicted; EX knows where it should have gone. A misaligned target traps
    // in MEM instead (which flushes everything behind it).
    wire        ex_mispredict = ex_pred_taken != ex_taken || (ex_taken && ex_pred_target != ex_target);
    wire        ex_redirect = ex_valid && !ex_exc && !ex_target_misaligned && ex_mispredict && ex_advance;
    wire [63:0] ex_next_pc = ex_taken ? ex_target : ex_pc + 64'd4;

    // ------------------------------------------------------------------ branch target buffer
    // Eight entries, indexed by pc[4:2], tagged with the rest of the pc. An entry means "taken last time, to
    // this target"; a branch that falls through removes its entry. Predictions are only hints: EX checks them.
    reg         btb_valid [0:7];
    reg  [58:0] btb_tag [0:7];
    reg  [63:0] btb_target [0:7];
    wire [2:0]  btb_index = pc_f[4:2];
    wire        btb_hit = btb_valid[btb_index] && btb_tag[btb_index] == pc_f[63:5];
    wire        ex_updates_btb = ex_valid && !ex_exc && !ex_target_misaligned && ex_advance;
    integer     b;
    always @(posedge clk) begin
        if (rst) begin
            for (b = 0; b < 8; b = b + 1) btb_valid[b] <= 1'b0;
        end else if (ex_updates_btb && ex_taken) begin
            btb_valid[ex_pc[4:2]] <= 1'b1;
            btb_tag[ex_pc[4:2]] <= ex_pc[63:5];
            btb_target[ex_pc[4:2]] <= ex_target;
        end else if (ex_updates_btb && ex_pred_taken) begin
            btb_valid[ex_pc[4:2]] <= 1'b0;
        end
    end

    b2i_muldiv muldiv (
        .clk(clk), .rst(rst), .start(ex_valid && ex_is_muldiv && !ex_exc), .kill(mem_redirect || ex_advance),
        .op(ex_funct3), .word(ex_alu_word), .a(fwd_rs1), .b(fwd_rs2), .done(md_done), .result(md_result)
    );

    // ------------------------------------------------------------------ IF: address translation
    wire        if_vm = sv39 && priv != 2'd3;
    wire        tlb_hit_a, if_perm_ok;
    wire [63:0] tlb_pa_a;
    wire [7:0]  tlb_flags_a;
    b2i_pte_check if_check (.flags(tlb_flags_a), .access(2'd0), .priv(priv), .sum(csr_sum), .mxr(csr_mxr),
                            .ok(if_perm_ok));
    wire        if_wf_match = wf_valid && !wf_owner_mem && wf_vpn == pc_f[63:12];
    wire        if_fault = if_vm && ((tlb_hit_a && !if_perm_ok) || (!tlb_hit_a && if_wf_match));
    wire [3:0]  if_fault_code = (!tlb_hit_a && wf_access) ? 4'd1 : 4'd12;
    wire        if_needs_walk = if_vm && !tlb_hit_a && !if_wf_match;

    assign ibus_valid = !rst && (!if_vm || (tlb_hit_a && if_perm_ok));
    assign ibus_addr = if_vm ? tlb_pa_a : pc_f;
    wire fetch_ok = if_fault || (ibus_valid && ibus_ready);

    // ------------------------------------------------------------------ TLB and page-table walker
    wire tlb_flush = (mem_valid && mem_is_sfence && !trap) || (csr_commit && mem_instr[31:20] == 12'h180);
    wire        ptw_done, ptw_fault, ptw_access_fault;
    wire [63:0] ptw_result_va;
    wire [43:0] ptw_result_ppn;
    wire [1:0]  ptw_result_level;
    wire [7:0]  ptw_result_flags;
    reg         ptw_for_mem;
    // The memory stage walks first; a fetch walks only when the memory stage does not need the bus.
    wire ptw_start_mem = !ptw_busy && !ptw_done && mem_valid && !trap && mem_needs_walk;
    wire ptw_start_if = !ptw_busy && !ptw_done && !ptw_start_mem && if_needs_walk && !(mem_valid && mem_memop)
                     && !mem_redirect && !ex_redirect;

    b2i_tlb tlb (
        .clk(clk), .rst(rst), .flush(tlb_flush),
        .va_a(pc_f), .hit_a(tlb_hit_a), .pa_a(tlb_pa_a), .flags_a(tlb_flags_a),
        .va_b(xlate_va), .hit_b(tlb_hit_b), .pa_b(tlb_pa_b), .flags_b(tlb_flags_b),
        .fill(ptw_done && !ptw_fault && !ptw_access_fault && !tlb_flush), .fill_va(ptw_result_va),
        .fill_ppn(ptw_result_ppn), .fill_level(ptw_result_level), .fill_flags(ptw_result_flags)
    );

    b2i_ptw ptw (
        .clk(clk), .rst(rst), .kill(tlb_flush), .start(ptw_start_mem || ptw_start_if),
        .va(ptw_start_mem ? xlate_va : pc_f), .access(ptw_start_mem ? mem_access : 2'd0),
        .priv(ptw_start_mem ? mem_priv : priv), .sum(csr_sum), .mxr(csr_mxr), .root_ppn(csr_satp[43:0]),
        .busy(ptw_busy), .mem_valid(ptw_mem_valid), .mem_addr(ptw_mem_addr), .mem_we(ptw_mem_we),
        .mem_wdata(ptw_mem_wdata), .mem_ready(dbus_ready), .mem_rdata(dbus_rdata), .mem_err(dbus_err),
        .done(ptw_done), .fault(ptw_fault), .access_fault(ptw_access_fault), .result_va(ptw_result_va),
        .result_ppn(ptw_result_ppn), .result_level(ptw_result_level), .result_flags(ptw_result_flags)
    );

    always @(posedge clk) begin
        if (ptw_start_mem || ptw_start_if) ptw_for_mem <= ptw_start_mem;
        if (rst || tlb_flush || mem_redirect || ex_redirect) begin
            wf_valid <= 1'b0;
        end else if (ptw_done && (ptw_fault || ptw_access_fault)) begin
            wf_valid <= 1'b1;
            wf_owner_mem <= ptw_for_mem;
            wf_access <= ptw_access_fault;
            wf_vpn <= ptw_result_va[63:12];
        end
    end

    always @(posedge clk) begin
        if (rst) begin
            pc_f <= RESET_PC;
            id_valid <= 1'b0; ex_valid <= 1'b0; mem_valid <= 1'b0; wb_valid <= 1'b0;
            retire_valid <= 1'b0; trap_out_valid <= 1'b0; amo_phase <= 1'b0; split_phase <= 1'b0; xstep <= 2'd0; resv_valid <= 1'b0; mem_waiting <= 1'b0;
        end else begin
            // ---- WB and the retire port (the register file writes from wb_* combinationally above)
            retire_valid <= wb_valid;
            retire_pc <= wb_pc;
            retire_instr <= wb_instr;
            retire_priv <= wb_priv;
            retire_rd <= wb_writes_rd ? wb_rd : 5'd0;
            retire_rd_value <= wb_result;
            trap_out_valid <= trap;
            trap_out_cause <= {take_irq, 59'b0, trap_code};
            trap_out_epc <= mem_pc;
            trap_out_tval <= trap_tval;

            // ---- MEM -> WB
            wb_valid <= mem_valid && !trap && !stall_mem;
            wb_pc <= mem_pc;
            wb_instr <= mem_instr;
            wb_priv <= priv;
            wb_rd <= mem_rd;
            wb_writes_rd <= mem_writes_rd;
            wb_result <= mem_final;
            mem_waiting <= mem_valid && !trap && stall_mem;

            if (mem_bus_go && split && !split_phase) begin
                split_phase <= 1'b1;
                split_low <= dbus_rdata;
            end else if (!stall_mem || trap) begin
                split_phase <= 1'b0;
            end
            if (!stall_mem || trap) begin
                xstep <= 2'd0;
            end else if (store_holds && !mem_needs_walk && !ptw_busy) begin
                xstep <= xstep + 2'd1;   // this page translates: on to the next step
            end
            if (mem_bus_go && is_rmw && !amo_phase) begin
                amo_phase <= 1'b1;
                amo_old <= load_value;
            end else if (!stall_mem || trap) begin
                amo_phase <= 1'b0;
            end
            // A trap, mret or sret drops the reservation (as QEMU and b2i-sim do; the spec allows it), so an SC
            // after a trap handler ran fails even if the handler did no dummy SC.
            if (trap || mret_take || sret_take) begin
                resv_valid <= 1'b0;
            end else if (mem_valid && !stall_mem) begin
                if (is_lr) begin resv_valid <= 1'b1; resv_addr <= mem_addr; end
                if (is_sc) resv_valid <= 1'b0;
            end

            // ---- EX -> MEM
            if (mem_redirect) begin
                mem_valid <= 1'b0;
            end else if (ex_advance) begin
                mem_valid <= ex_valid;
                mem_pc <= ex_pc;
                mem_instr <= ex_instr;
                mem_rd <= ex_rd;
                mem_writes_rd <= ex_writes_rd && !ex_exc && !ex_target_misaligned;
                mem_result <= (ex_is_jal || ex_is_jalr) ? ex_pc + 64'd4 : ex_is_muldiv ? md_result : alu_y;
                mem_addr <= ex_is_amo ? fwd_rs1 : alu_y;
                mem_store_val <= fwd_rs2;
                mem_csr_src <= ex_funct3[2] ? ex_imm : fwd_rs1;
                mem_is_load <= ex_is_load; mem_is_store <= ex_is_store; mem_is_amo <= ex_is_amo;
                mem_is_csr <= ex_is_csr; mem_is_ecall <= ex_is_ecall; mem_is_ebreak <= ex_is_ebreak;
                mem_is_mret <= ex_is_mret; mem_is_sret <= ex_is_sret; mem_is_wfi <= ex_is_wfi;
                mem_is_fence_i <= ex_is_fence_i; mem_is_sfence <= ex_is_sfence;
                mem_funct3 <= ex_funct3;
                mem_exc <= ex_exc || ex_target_misaligned;
                mem_exc_code <= ex_exc ? ex_exc_code : 4'd0;
                mem_exc_tval <= ex_exc ? ex_exc_tval : ex_target;
            end else if (!stall_mem) begin
                mem_valid <= 1'b0;   // EX is busy (mul/div): a bubble moves on
            end

            // ---- ID -> EX
            if (mem_redirect || (ex_redirect && !id_advance)) begin
                ex_valid <= 1'b0;
            end else if (id_advance) begin
                ex_valid <= id_valid && !ex_redirect;
                ex_pc <= id_pc;
                ex_pred_taken <= id_pred_taken;
                ex_pred_target <= id_pred_target;
                ex_instr <= id_instr;
                ex_rd <= d_rd; ex_rs1 <= d_rs1; ex_rs2 <= d_rs2;
                ex_writes_rd <= d_writes_rd;
                ex_rs1_val <= rf_rdata1; ex_rs2_val <= rf_rdata2;
                ex_imm <= d_imm;
                ex_alu_op <= d_alu_op; ex_alu_word <= d_alu_word; ex_alu_b_imm <= d_alu_b_imm;
                ex_alu_a_sel <= d_alu_a_sel;
                ex_is_branch <= d_is_branch; ex_is_jal <= d_is_jal; ex_is_jalr <= d_is_jalr;
                ex_is_load <= d_is_load; ex_is_store <= d_is_store; ex_is_muldiv <= d_is_muldiv;
                ex_is_amo <= d_is_amo; ex_is_csr <= d_is_csr;
                ex_is_ecall <= d_is_ecall; ex_is_ebreak <= d_is_ebreak; ex_is_mret <= d_is_mret;
                ex_is_sret <= d_is_sret; ex_is_wfi <= d_is_wfi; ex_is_fence_i <= d_is_fence_i;
                ex_is_sfence <= d_is_sfence;
                ex_funct3 <= d_funct3;
                ex_exc <= id_fault || d_illegal;
                ex_exc_code <= id_fault ? id_fault_code : 4'd2;
                ex_exc_tval <= id_fault ? id_pc : {32'b0, id_instr};
            end else if (ex_advance) begin
                ex_valid <= 1'b0;    // load-use: a bubble into EX
            end else begin
                // EX holds: keep its operands current, since the producers it forwards from move on
                ex_rs1_val <= fwd_rs1;
                ex_rs2_val <= fwd_rs2;
            end

            // ---- IF -> ID
            if (mem_redirect || ex_redirect) begin
                id_valid <= 1'b0;
                pc_f <= mem_redirect ? mem_target : ex_next_pc;
            end else if (id_advance) begin
                id_valid <= fetch_ok;
                id_pc <= pc_f;
                id_instr <= ibus_rdata;
                id_fault <= if_fault || ibus_err;
                id_fault_code <= if_fault ? if_fault_code : 4'd1;
                id_pred_taken <= btb_hit && !if_fault;
                id_pred_target <= btb_target[btb_index];
                if (fetch_ok) pc_f <= (btb_hit && !if_fault) ? btb_target[btb_index] : pc_f + 64'd4;
            end
        end
    end
endmodule
