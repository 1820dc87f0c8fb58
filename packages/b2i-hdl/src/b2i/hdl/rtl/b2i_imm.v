// b2i_imm: builds the sign-extended immediate of an instruction from its format.
//
// The ISA scatters immediate bits across the instruction word so that the sign bit is always bit 31; this
// module gathers them back (formats I, S, B, U, J of the ISA manual, and Z for the CSR immediate).
`timescale 1ns/1ps
module b2i_imm (
    input  wire [31:0] instr,
    input  wire [2:0]  fmt,
    output reg  [63:0] imm
);
`include "b2i_ops.vh"
    wire s = instr[31];
    always @(*) begin
        case (fmt)
            IMM_I:   imm = {{53{s}}, instr[30:20]};
            IMM_S:   imm = {{53{s}}, instr[30:25], instr[11:7]};
            IMM_B:   imm = {{52{s}}, instr[7], instr[30:25], instr[11:8], 1'b0};
            IMM_U:   imm = {{32{s}}, instr[31:12], 12'b0};
            IMM_J:   imm = {{44{s}}, instr[19:12], instr[20], instr[30:21], 1'b0};
            IMM_Z:   imm = {59'b0, instr[19:15]};
            default: imm = 64'b0;
        endcase
    end
endmodule
