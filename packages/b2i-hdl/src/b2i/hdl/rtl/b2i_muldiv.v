// b2i_muldiv: the M extension, two bits per cycle (shift-and-add multiply, restoring divide): 34 cycles.
//
// Handshake: hold `start` with the operands until `done`; the result stays valid while `done` is high, and
// `kill` (the pipeline took the result and moved on, or was flushed) returns the unit to idle.
// Operands are latched at start, so the execute stage may stall around it freely.
// Both algorithms work on magnitudes; signs are fixed at the end. Division by zero and the one signed
// overflow (most negative / -1) give the results the ISA manual's table asks for, without trapping.
// `op` is funct3: 0 MUL 1 MULH 2 MULHSU 3 MULHU 4 DIV 5 DIVU 6 REM 7 REMU; `word` selects the W forms.
`timescale 1ns/1ps
module b2i_muldiv (
    input  wire        clk,
    input  wire        rst,
    input  wire        start,
    input  wire        kill,
    input  wire [2:0]  op,
    input  wire        word,
    input  wire [63:0] a,
    input  wire [63:0] b,
    output wire        done,
    output reg  [63:0] result
);
    localparam [1:0] IDLE = 2'd0, BUSY = 2'd1, DONE = 2'd2;
    reg [1:0]   state;
    reg [6:0]   count;
    reg [2:0]   op_q;
    reg         word_q;
    reg         negate;      // the magnitude result must be negated
    reg [127:0] acc;         // multiply: product so far; divide: {remainder, quotient}
    reg [63:0]  mcand;       // multiplicand magnitude, or divisor magnitude
    reg [63:0]  special;     // result of a divide by zero
    reg         is_special;

    assign done = (state == DONE);

    // The operands as the instruction sees them: W forms use the low words, sign- or zero-extended.
    wire is_div = op[2];
    wire a_signed = is_div ? ~op[0] : (op == 3'd1 || op == 3'd2);
    wire b_signed = is_div ? ~op[0] : (op == 3'd1);
    wire [63:0] a_ext = word ? (a_signed ? {{32{a[31]}}, a[31:0]} : {32'b0, a[31:0]}) : a;
    wire [63:0] b_ext = word ? (b_signed ? {{32{b[31]}}, b[31:0]} : {32'b0, b[31:0]}) : b;
    wire a_neg = a_signed && a_ext[63];
    wire b_neg = b_signed && b_ext[63];
    wire [63:0] a_mag = a_neg ? -a_ext : a_ext;
    wire [63:0] b_mag = b_neg ? -b_ext : b_ext;

    // One step of the restoring divider: shift {rem, quo} left, try to subtract the divisor; the bit shifted
    // out of the remainder (x[127]) takes part in the comparison.
    function [127:0] div_step(input [127:0] x, input [63:0] d);
        reg [127:0] shifted;
        reg [65:0]  trial;
        begin
            shifted = {x[126:0], 1'b0};
            trial = {1'b0, x[127], shifted[127:64]} - {2'b0, d};
            div_step = trial[65] ? shifted : {trial[63:0], shifted[63:1], 1'b1};
        end
    endfunction
    // One step of the multiplier: {product so far, multiplier bits left}; add the multiplicand if the next
    // multiplier bit is set, shift right.
    function [127:0] mul_step(input [127:0] x, input [63:0] m);
        reg [64:0] psum;
        begin
            psum = {1'b0, x[127:64]} + (x[0] ? {1'b0, m} : 65'b0);
            mul_step = {psum, x[63:1]};
        end
    endfunction

    wire [127:0] signed_acc = negate ? -acc : acc;
    reg  [63:0]  raw;
    always @(*) begin
        case (op_q)
            3'd0: raw = signed_acc[63:0];
            3'd1, 3'd2, 3'd3: raw = signed_acc[127:64];
            3'd4, 3'd5: raw = is_special ? special : (negate ? -acc[63:0] : acc[63:0]);
            default: raw = is_special ? special : (negate ? -acc[127:64] : acc[127:64]);
        endcase
        result = word_q ? {{32{raw[31]}}, raw[31:0]} : raw;
    end

    always @(posedge clk) begin
        if (rst || kill) begin
            state <= IDLE;
        end else begin
            case (state)
                IDLE: if (start) begin
                    state <= BUSY;
                    count <= 7'd32;
                    op_q <= op;
                    word_q <= word;
                    mcand <= b_mag;
                    acc <= {64'b0, a_mag};
                    is_special <= is_div && b_ext == 64'b0;
                    special <= op[1] ? a_ext : 64'hFFFF_FFFF_FFFF_FFFF;  // REM: dividend; DIV: all ones
                    // Quotient sign: a xor b; remainder sign: a's; product sign: a xor b.
                    negate <= (is_div && op[1]) ? a_neg : (a_neg ^ b_neg);
                end
                BUSY: begin
                    acc <= op_q[2] ? div_step(div_step(acc, mcand), mcand) : mul_step(mul_step(acc, mcand), mcand);
                    count <= count - 7'd1;
                    if (count == 7'd1) state <= DONE;
                end
                default: ;
            endcase
        end
    end
endmodule
