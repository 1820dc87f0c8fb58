// b2i_decoder: turns a 32-bit instruction word into the control signals of the pipeline.
//
// RV64I + M + A + Zicsr + Zifencei + the privileged instructions (ecall, ebreak, mret, sret, wfi,
// sfence.vma). Anything else sets `illegal` and leaves every other control signal off, so an illegal
// instruction has no side effect on its way to the memory stage, where it traps.
// The F and D extensions will add their opcodes (LOAD-FP 0000111, STORE-FP 0100111, OP-FP 1010011, FMADD..)
// here, with an `is_fp` output that sends them to an FPU beside the ALU in the execute stage.
`timescale 1ns/1ps
module b2i_decoder (
    input  wire [31:0] instr,
    output reg         illegal,
    output wire [4:0]  rd,
    output wire [4:0]  rs1,
    output wire [4:0]  rs2,
    output reg         uses_rs1,
    output reg         uses_rs2,
    output reg         writes_rd,
    output reg  [2:0]  imm_fmt,
    output reg  [3:0]  alu_op,
    output reg         alu_word,
    output reg  [1:0]  alu_a_sel,   // ASEL_*
    output reg         alu_b_imm,   // 1: immediate, 0: rs2
    output reg         is_branch,   // conditional branch, condition in funct3
    output reg         is_jal,
    output reg         is_jalr,
    output reg         is_load,
    output reg         is_store,
    output wire [2:0]  funct3,      // load/store size and signedness, branch condition, CSR op, muldiv op
    output reg         is_muldiv,
    output reg         is_amo,      // LR, SC and AMOs; which one in amo_op
    output wire [4:0]  amo_op,
    output reg         is_csr,
    output reg         is_ecall,
    output reg         is_ebreak,
    output reg         is_mret,
    output reg         is_sret,
    output reg         is_wfi,
    output reg         is_fence_i,
    output reg         is_sfence_vma
);
`include "b2i_ops.vh"
    wire [6:0] opcode = instr[6:0];
    wire [6:0] funct7 = instr[31:25];
    assign rd = instr[11:7];
    assign rs1 = instr[19:15];
    assign rs2 = instr[24:20];
    assign funct3 = instr[14:12];
    assign amo_op = instr[31:27];

    // ALU code of the register-register / register-immediate groups, by funct3.
    function [3:0] alu_of_funct3(input [2:0] f3, input alt);
        case (f3)
            3'd0: alu_of_funct3 = alt ? ALU_SUB : ALU_ADD;
            3'd1: alu_of_funct3 = ALU_SLL;
            3'd2: alu_of_funct3 = ALU_SLT;
            3'd3: alu_of_funct3 = ALU_SLTU;
            3'd4: alu_of_funct3 = ALU_XOR;
            3'd5: alu_of_funct3 = alt ? ALU_SRA : ALU_SRL;
            3'd6: alu_of_funct3 = ALU_OR;
            default: alu_of_funct3 = ALU_AND;
        endcase
    endfunction

    always @(*) begin
        illegal = 1'b0;
        uses_rs1 = 1'b0; uses_rs2 = 1'b0; writes_rd = 1'b0;
        imm_fmt = IMM_I; alu_op = ALU_ADD; alu_word = 1'b0; alu_a_sel = ASEL_RS1; alu_b_imm = 1'b0;
        is_branch = 1'b0; is_jal = 1'b0; is_jalr = 1'b0; is_load = 1'b0; is_store = 1'b0;
        is_muldiv = 1'b0; is_amo = 1'b0; is_csr = 1'b0;
        is_ecall = 1'b0; is_ebreak = 1'b0; is_mret = 1'b0; is_sret = 1'b0; is_wfi = 1'b0;
        is_fence_i = 1'b0; is_sfence_vma = 1'b0;
        case (opcode)
            7'b0110111: begin  // LUI
                writes_rd = 1'b1; imm_fmt = IMM_U; alu_op = ALU_PASSB; alu_b_imm = 1'b1;
            end
            7'b0010111: begin  // AUIPC
                writes_rd = 1'b1; imm_fmt = IMM_U; alu_a_sel = ASEL_PC; alu_b_imm = 1'b1;
            end
            7'b1101111: begin  // JAL
                writes_rd = 1'b1; imm_fmt = IMM_J; is_jal = 1'b1;
            end
            7'b1100111: begin  // JALR
                if (funct3 == 3'd0) begin
                    writes_rd = 1'b1; uses_rs1 = 1'b1; imm_fmt = IMM_I; is_jalr = 1'b1;
                end else illegal = 1'b1;
            end
            7'b1100011: begin  // BEQ BNE BLT BGE BLTU BGEU
                if (funct3 != 3'd2 && funct3 != 3'd3) begin
                    uses_rs1 = 1'b1; uses_rs2 = 1'b1; imm_fmt = IMM_B; is_branch = 1'b1;
                end else illegal = 1'b1;
            end
            7'b0000011: begin  // LB LH LW LD LBU LHU LWU
                if (funct3 != 3'd7) begin
                    writes_rd = 1'b1; uses_rs1 = 1'b1; imm_fmt = IMM_I; alu_b_imm = 1'b1; is_load = 1'b1;
                end else illegal = 1'b1;
            end
            7'b0100011: begin  // SB SH SW SD
                if (funct3[2] == 1'b0) begin
                    uses_rs1 = 1'b1; uses_rs2 = 1'b1; imm_fmt = IMM_S; alu_b_imm = 1'b1; is_store = 1'b1;
                end else illegal = 1'b1;
            end
            7'b0010011: begin  // OP-IMM; shifts take a 6-bit shamt and funct6
                writes_rd = 1'b1; uses_rs1 = 1'b1; imm_fmt = IMM_I; alu_b_imm = 1'b1;
                alu_op = alu_of_funct3(funct3, funct3 == 3'd5 && instr[30]);
                if (funct3 == 3'd1 && instr[31:26] != 6'b0) illegal = 1'b1;
                if (funct3 == 3'd5 && instr[31:26] != 6'b0 && instr[31:26] != 6'b010000) illegal = 1'b1;
            end
            7'b0011011: begin  // OP-IMM-32: ADDIW SLLIW SRLIW SRAIW
                writes_rd = 1'b1; uses_rs1 = 1'b1; imm_fmt = IMM_I; alu_b_imm = 1'b1; alu_word = 1'b1;
                alu_op = alu_of_funct3(funct3, funct3 == 3'd5 && instr[30]);
                if (funct3 == 3'd1 && funct7 != 7'b0) illegal = 1'b1;
                else if (funct3 == 3'd5 && funct7 != 7'b0 && funct7 != 7'b0100000) illegal = 1'b1;
                else if (funct3 != 3'd0 && funct3 != 3'd1 && funct3 != 3'd5) illegal = 1'b1;
            end
            7'b0110011: begin  // OP and the M extension
                writes_rd = 1'b1; uses_rs1 = 1'b1; uses_rs2 = 1'b1;
                if (funct7 == 7'b0000001) is_muldiv = 1'b1;
                else if (funct7 == 7'b0 || (funct7 == 7'b0100000 && (funct3 == 3'd0 || funct3 == 3'd5)))
                    alu_op = alu_of_funct3(funct3, instr[30]);
                else illegal = 1'b1;
            end
            7'b0111011: begin  // OP-32 and the M extension's W forms
                writes_rd = 1'b1; uses_rs1 = 1'b1; uses_rs2 = 1'b1; alu_word = 1'b1;
                if (funct7 == 7'b0000001) begin
                    is_muldiv = 1'b1;
                    if (funct3 == 3'd1 || funct3 == 3'd2 || funct3 == 3'd3) illegal = 1'b1;
                end else if ((funct7 == 7'b0 && (funct3 == 3'd0 || funct3 == 3'd1 || funct3 == 3'd5))
                          || (funct7 == 7'b0100000 && (funct3 == 3'd0 || funct3 == 3'd5)))
                    alu_op = alu_of_funct3(funct3, instr[30]);
                else illegal = 1'b1;
            end
            7'b0001111: begin  // FENCE, FENCE.TSO (no-ops: one hart, no caches) and FENCE.I, fields as in the table
                if (instr == 32'h0000100F) is_fence_i = 1'b1;
                else if (!((instr & 32'hF00FFFFF) == 32'h0000000F || instr == 32'h8330000F)) illegal = 1'b1;
            end
            7'b0101111: begin  // A extension, .W (funct3 2) and .D (funct3 3)
                writes_rd = 1'b1; uses_rs1 = 1'b1; uses_rs2 = 1'b1; is_amo = 1'b1;
                if (funct3 != 3'd2 && funct3 != 3'd3) illegal = 1'b1;
                case (amo_op)
                    5'b00010: begin uses_rs2 = 1'b0; if (rs2 != 5'd0) illegal = 1'b1; end  // LR
                    5'b00011, 5'b00001, 5'b00000, 5'b00100, 5'b01100, 5'b01000,
                    5'b10000, 5'b10100, 5'b11000, 5'b11100: ;
                    default: illegal = 1'b1;
                endcase
            end
            7'b1110011: begin  // SYSTEM
                if (funct3 == 3'd0) begin
                    if (instr == 32'h00000073) is_ecall = 1'b1;
                    else if (instr == 32'h00100073) is_ebreak = 1'b1;
                    else if (instr == 32'h30200073) is_mret = 1'b1;
                    else if (instr == 32'h10200073) is_sret = 1'b1;
                    else if (instr == 32'h10500073) is_wfi = 1'b1;
                    else if (funct7 == 7'b0001001 && rd == 5'd0) begin
                        is_sfence_vma = 1'b1; uses_rs1 = 1'b1; uses_rs2 = 1'b1;
                    end else illegal = 1'b1;
                end else if (funct3 == 3'd4) illegal = 1'b1;
                else begin
                    is_csr = 1'b1; writes_rd = 1'b1;
                    uses_rs1 = ~funct3[2];
                    imm_fmt = IMM_Z;
                end
            end
            default: illegal = 1'b1;
        endcase
        if (illegal) begin
            uses_rs1 = 1'b0; uses_rs2 = 1'b0; writes_rd = 1'b0;
            is_branch = 1'b0; is_jal = 1'b0; is_jalr = 1'b0; is_load = 1'b0; is_store = 1'b0;
            is_muldiv = 1'b0; is_amo = 1'b0; is_csr = 1'b0;
        end
        if (rd == 5'd0) writes_rd = 1'b0;
    end
endmodule
