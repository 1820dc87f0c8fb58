// b2i_alu: the integer arithmetic/logic unit of the execute stage.
//
// Pure combinational logic. `op` picks the operation (codes in b2i_ops.vh); when `word` is set the
// operation is the RV64 "W" form: it works on the low 32 bits of the operands and the 32-bit result is
// sign-extended to 64 bits (shift amounts then use 5 bits instead of 6).
`timescale 1ns/1ps
module b2i_alu (
    input  wire [3:0]  op,
    input  wire        word,
    input  wire [63:0] a,
    input  wire [63:0] b,
    output wire [63:0] y
);
`include "b2i_ops.vh"
    wire [5:0]  shamt = word ? {1'b0, b[4:0]} : b[5:0];
    // For the W shifts the source is the low word: zero-extended for SRLW, sign-extended for SRAW.
    wire [63:0] shift_src = word ? (op == ALU_SRA ? {{32{a[31]}}, a[31:0]} : {32'b0, a[31:0]}) : a;

    reg [63:0] r;
    always @(*) begin
        case (op)
            ALU_ADD:   r = a + b;
            ALU_SUB:   r = a - b;
            ALU_SLL:   r = shift_src << shamt;
            ALU_SLT:   r = {63'b0, $signed(a) < $signed(b)};
            ALU_SLTU:  r = {63'b0, a < b};
            ALU_XOR:   r = a ^ b;
            ALU_SRL:   r = shift_src >> shamt;
            ALU_SRA:   r = $signed(shift_src) >>> shamt;
            ALU_OR:    r = a | b;
            ALU_AND:   r = a & b;
            ALU_PASSB: r = b;
            default:   r = 64'b0;
        endcase
    end
    assign y = word ? {{32{r[31]}}, r[31:0]} : r;
endmodule
