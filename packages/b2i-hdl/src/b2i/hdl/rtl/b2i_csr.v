// b2i_csr: the control and status registers, the privilege mode, and the trap machinery.
//
// The memory stage is the pipeline's commit point: it asks this module to read/write a CSR, to take a trap
// (exception or interrupt) or to return from one (mret/sret). Everything here changes state only on those
// requests, so a flushed instruction never touches a CSR.
//
// Implemented: M, S and U modes; mstatus/sstatus, misa, mie/sie, mip/sip, mtvec/stvec (direct and vectored),
// mepc/sepc, mcause/scause, mtval/stval, mscratch/sscratch, medeleg/mideleg, mcounteren/scounteren, satp,
// mcycle/minstret and the user views cycle/time/instret, the read-only ID registers. Hardware performance
// counters, PMP and envcfg registers read as zero and ignore writes. satp accepts Bare and, when HAS_SV39 is
// set (the core sets it), Sv39; writes of any other mode are ignored, so software can probe for paging.
`timescale 1ns/1ps
module b2i_csr #(
    parameter HAS_SV39 = 0
) (
    input  wire        clk,
    input  wire        rst,
    // interrupt lines
    input  wire        mtip,
    input  wire        msip,
    input  wire        meip,
    input  wire        seip,
    input  wire [63:0] mtime,
    // an instruction retires this cycle (counts into minstret; a read in the same cycle already sees it)
    input  wire        retire,
    // CSR instruction in the memory stage
    input  wire [11:0] addr,
    input  wire [2:0]  op,           // funct3 of CSRRW/S/C[I]
    input  wire [63:0] wsrc,         // rs1 value or zero-extended immediate
    input  wire        src_is_zero,  // rs1 field is x0 / immediate is 0: CSRRS/C then do not write
    input  wire        commit,       // perform the access now
    output reg  [63:0] rdata,
    output wire        illegal,      // this access is not allowed (unknown CSR, privilege, read-only)
    // traps
    input  wire        trap_take,
    input  wire        trap_is_irq,
    input  wire [3:0]  trap_code,
    input  wire [63:0] trap_tval,
    input  wire [63:0] trap_pc,
    output wire [63:0] trap_target,
    input  wire        mret_take,
    input  wire        sret_take,
    output wire [63:0] mepc_out,
    output wire [63:0] sepc_out,
    // state the pipeline needs
    output reg  [1:0]  priv,
    output wire        irq_pending,
    output wire [3:0]  irq_code,
    output wire        wfi_waits_timer,   // a wfi now would sleep until the timer: nothing pending, MTIE set
    output wire        tsr,
    output wire        tw,
    output wire        tvm,
    output wire        mprv,
    output wire [1:0]  mpp,
    output wire        sum,
    output wire        mxr,
    output wire [63:0] satp
);
    localparam [1:0] PRIV_U = 2'd0, PRIV_S = 2'd1, PRIV_M = 2'd3;

    // mstatus fields we keep (the rest read as fixed values)
    reg sie_q, mie_q, spie_q, mpie_q, spp_q, mprv_q, sum_q, mxr_q, tvm_q, tw_q, tsr_q;
    reg [1:0] mpp_q;
    reg [63:0] mtvec_q, stvec_q, mepc_q, sepc_q, mcause_q, scause_q, mtval_q, stval_q;
    reg [63:0] mscratch_q, sscratch_q, medeleg_q, mideleg_q, mie_reg, satp_q;
    reg [31:0] mcounteren_q, scounteren_q;
    reg [63:0] mcycle_q, minstret_q;
    reg ssip_q, stip_q, seip_q;   // the software-writable pending bits

    assign tsr = tsr_q; assign tw = tw_q; assign tvm = tvm_q;
    assign mprv = mprv_q; assign mpp = mpp_q; assign sum = sum_q; assign mxr = mxr_q;
    assign satp = satp_q;
    assign mepc_out = mepc_q;
    assign sepc_out = sepc_q;

    wire [63:0] mstatus = {1'b0, 27'b0, 2'd2, 2'd2, 9'b0, tsr_q, tw_q, tvm_q, mxr_q, sum_q, mprv_q, 2'b0, 2'b0,
                           mpp_q, 2'b0, spp_q, mpie_q, 1'b0, spie_q, 1'b0, mie_q, 1'b0, sie_q, 1'b0};
    localparam [63:0] SSTATUS_MASK = 64'h8000_0003_000D_E762;
    wire [63:0] mip = {52'b0, meip, 1'b0, seip_q | seip, 1'b0, mtip, 1'b0, stip_q, 1'b0, msip, 1'b0, ssip_q, 1'b0};
    localparam [63:0] MISA = (64'd2 << 62) | (64'd1 << 0) | (64'd1 << 8) | (64'd1 << 12) | (64'd1 << 18)
                           | (64'd1 << 20);

    // ---- reads and access checks ----
    reg known;
    always @(*) begin
        known = 1'b1;
        rdata = 64'b0;
        case (addr)
            12'h300: rdata = mstatus;
            12'h301: rdata = MISA;
            12'h302: rdata = medeleg_q;
            12'h303: rdata = mideleg_q;
            12'h304: rdata = mie_reg;
            12'h305: rdata = mtvec_q;
            12'h306: rdata = {32'b0, mcounteren_q};
            12'h340: rdata = mscratch_q;
            12'h341: rdata = mepc_q;
            12'h342: rdata = mcause_q;
            12'h343: rdata = mtval_q;
            12'h344: rdata = mip;
            12'h100: rdata = mstatus & SSTATUS_MASK;
            12'h104: rdata = mie_reg & mideleg_q;
            12'h105: rdata = stvec_q;
            12'h106: rdata = {32'b0, scounteren_q};
            12'h140: rdata = sscratch_q;
            12'h141: rdata = sepc_q;
            12'h142: rdata = scause_q;
            12'h143: rdata = stval_q;
            12'h144: rdata = mip & mideleg_q;
            12'h180: rdata = satp_q;
            12'hB00, 12'hC00: rdata = mcycle_q;
            12'hB02, 12'hC02: rdata = minstret_q + {63'b0, retire};
            12'hC01: rdata = mtime;
            12'hF11, 12'hF12, 12'hF13, 12'hF14, 12'hF15: rdata = 64'b0;  // vendor, arch, impl, hart id, config
            12'h30A, 12'h10A, 12'h320: rdata = 64'b0;                    // menvcfg, senvcfg, mcountinhibit
            default: begin
                // hpmcounters/events, PMP: present, zero (RV64 has only the even pmpcfg registers)
                if ((addr >= 12'hB03 && addr <= 12'hB1F) || (addr >= 12'hC03 && addr <= 12'hC1F)
                    || (addr >= 12'h323 && addr <= 12'h33F) || (addr[11:4] == 8'h3A && !addr[0])
                    || (addr >= 12'h3B0 && addr <= 12'h3EF))
                    rdata = 64'b0;
                else known = 1'b0;
            end
        endcase
    end

    wire writes = (op[1:0] == 2'b01) || !src_is_zero;  // CSRRW[I] always; CSRRS/C[I] only with a nonzero source
    wire read_only = (addr[11:10] == 2'b11);
    wire too_low = priv < addr[9:8];
    // user counters: cycle/time/instret and hpmcounters, gated by mcounteren (and scounteren in U mode)
    wire is_counter = (addr[11:5] == 7'b1100000);
    wire counter_denied = is_counter && ((priv != PRIV_M && !mcounteren_q[addr[4:0]])
                                      || (priv == PRIV_U && !scounteren_q[addr[4:0]]));
    wire satp_denied = (addr == 12'h180) && priv == PRIV_S && tvm_q;
    assign illegal = !known || too_low || (writes && read_only) || counter_denied || satp_denied;

    reg [63:0] wdata;
    always @(*) begin
        case (op[1:0])
            2'b01:   wdata = wsrc;
            2'b10:   wdata = rdata | wsrc;
            default: wdata = rdata & ~wsrc;
        endcase
    end
    wire do_write = commit && writes && !illegal;

    // ---- interrupts: which one, if any, is taken now ----
    wire [11:0] pending = mip[11:0] & mie_reg[11:0];
    wire [11:0] m_ints = pending & ~mideleg_q[11:0];
    wire [11:0] s_ints = pending & mideleg_q[11:0];
    wire m_enabled = priv != PRIV_M || mie_q;
    wire s_enabled = priv == PRIV_U || (priv == PRIV_S && sie_q);
    wire [11:0] takeable = (m_enabled ? m_ints : 12'b0) | (s_enabled ? s_ints : 12'b0);
    // priority: MEI, MSI, MTI, SEI, SSI, STI
    assign irq_pending = |takeable;
    assign wfi_waits_timer = pending == 12'b0 && mie_reg[7];
    assign irq_code = takeable[11] ? 4'd11 : takeable[3] ? 4'd3 : takeable[7] ? 4'd7 :
                      takeable[9] ? 4'd9 : takeable[1] ? 4'd1 : 4'd5;

    // ---- trap target ----
    wire [63:0] deleg = trap_is_irq ? mideleg_q : medeleg_q;
    wire to_s = priv != PRIV_M && deleg[{2'b0, trap_code}];
    wire [63:0] tvec = to_s ? stvec_q : mtvec_q;
    assign trap_target = (tvec[0] && trap_is_irq) ? {tvec[63:2], 2'b0} + {58'b0, trap_code, 2'b0}
                                                  : {tvec[63:2], 2'b0};

    always @(posedge clk) begin
        if (rst) begin
            priv <= PRIV_M;
            sie_q <= 0; mie_q <= 0; spie_q <= 0; mpie_q <= 0; spp_q <= 0; mpp_q <= 2'd0;
            mprv_q <= 0; sum_q <= 0; mxr_q <= 0; tvm_q <= 0; tw_q <= 0; tsr_q <= 0;
            mtvec_q <= 0; stvec_q <= 0; mepc_q <= 0; sepc_q <= 0; mcause_q <= 0; scause_q <= 0;
            mtval_q <= 0; stval_q <= 0; mscratch_q <= 0; sscratch_q <= 0; medeleg_q <= 0; mideleg_q <= 0;
            mie_reg <= 0; satp_q <= 0; mcounteren_q <= 0; scounteren_q <= 0;
            mcycle_q <= 0; minstret_q <= 0; ssip_q <= 0; stip_q <= 0; seip_q <= 0;
        end else begin
            mcycle_q <= mcycle_q + 64'd1;
            if (retire) minstret_q <= minstret_q + 64'd1;
            if (trap_take) begin
                if (to_s) begin
                    scause_q <= {trap_is_irq, 59'b0, trap_code};
                    sepc_q <= trap_pc;
                    stval_q <= trap_tval;
                    spp_q <= priv[0];
                    spie_q <= sie_q;
                    sie_q <= 1'b0;
                    priv <= PRIV_S;
                end else begin
                    mcause_q <= {trap_is_irq, 59'b0, trap_code};
                    mepc_q <= trap_pc;
                    mtval_q <= trap_tval;
                    mpp_q <= priv;
                    mpie_q <= mie_q;
                    mie_q <= 1'b0;
                    priv <= PRIV_M;
                end
            end else if (mret_take) begin
                priv <= mpp_q;
                mie_q <= mpie_q;
                mpie_q <= 1'b1;
                mpp_q <= PRIV_U;
                if (mpp_q != PRIV_M) mprv_q <= 1'b0;
            end else if (sret_take) begin
                priv <= {1'b0, spp_q};
                sie_q <= spie_q;
                spie_q <= 1'b1;
                spp_q <= 1'b0;
                mprv_q <= 1'b0;
            end else if (do_write) begin
                case (addr)
                    12'h300, 12'h100: begin
                        sie_q <= wdata[1]; spie_q <= wdata[5]; spp_q <= wdata[8];
                        sum_q <= wdata[18]; mxr_q <= wdata[19];
                        if (addr == 12'h300) begin
                            mie_q <= wdata[3]; mpie_q <= wdata[7];
                            mpp_q <= (wdata[12:11] == 2'd2) ? PRIV_U : wdata[12:11];
                            mprv_q <= wdata[17]; tvm_q <= wdata[20]; tw_q <= wdata[21]; tsr_q <= wdata[22];
                        end
                    end
                    12'h302: medeleg_q <= wdata & 64'h0000_0000_0000_B3FF;
                    12'h303: mideleg_q <= wdata & 64'h0000_0000_0000_0222;
                    12'h304: mie_reg <= wdata & 64'h0000_0000_0000_0AAA;
                    12'h104: mie_reg <= (mie_reg & ~mideleg_q) | (wdata & mideleg_q & 64'h222);
                    12'h305: mtvec_q <= {wdata[63:2], 1'b0, wdata[0]};
                    12'h105: stvec_q <= {wdata[63:2], 1'b0, wdata[0]};
                    12'h306: mcounteren_q <= wdata[31:0];
                    12'h106: scounteren_q <= wdata[31:0];
                    12'h340: mscratch_q <= wdata;
                    12'h140: sscratch_q <= wdata;
                    12'h341: mepc_q <= {wdata[63:2], 2'b0};
                    12'h141: sepc_q <= {wdata[63:2], 2'b0};
                    12'h342: mcause_q <= wdata;
                    12'h142: scause_q <= wdata;
                    12'h343: mtval_q <= wdata;
                    12'h143: stval_q <= wdata;
                    12'h344: begin ssip_q <= wdata[1]; stip_q <= wdata[5]; seip_q <= wdata[9]; end
                    12'h144: if (mideleg_q[1]) ssip_q <= wdata[1];
                    12'h180: if (wdata[63:60] == 4'd0 || (HAS_SV39 != 0 && wdata[63:60] == 4'd8))
                                 satp_q <= wdata[63:60] == 4'd0 ? 64'b0 : {wdata[63:60], 16'b0, wdata[43:0]};
                    12'hB00: mcycle_q <= wdata;
                    // the writer itself retires next cycle and counts: the next instruction reads wdata (as Spike)
                    12'hB02: minstret_q <= wdata - 64'd1;
                    default: ;
                endcase
            end
        end
    end
endmodule
