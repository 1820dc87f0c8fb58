// b2i_ops.vh: the small codes the decoder hands to the execute stage.
//
// Included inside the modules that need them (decoder, alu, core), so the codes live in one place.
// ALU operations. "W" forms are the same codes with the decoder's `word` flag set: the ALU then works on
// the low 32 bits and sign-extends the result, which is exactly what ADDW/SUBW/SLLW/SRLW/SRAW mean.
localparam [3:0] ALU_ADD  = 4'd0;
localparam [3:0] ALU_SUB  = 4'd1;
localparam [3:0] ALU_SLL  = 4'd2;
localparam [3:0] ALU_SLT  = 4'd3;
localparam [3:0] ALU_SLTU = 4'd4;
localparam [3:0] ALU_XOR  = 4'd5;
localparam [3:0] ALU_SRL  = 4'd6;
localparam [3:0] ALU_SRA  = 4'd7;
localparam [3:0] ALU_OR   = 4'd8;
localparam [3:0] ALU_AND  = 4'd9;
localparam [3:0] ALU_PASSB = 4'd10;  // result = operand b (LUI)

// Where the ALU's first operand comes from.
localparam [1:0] ASEL_RS1  = 2'd0;
localparam [1:0] ASEL_PC   = 2'd1;
localparam [1:0] ASEL_ZERO = 2'd2;

// Immediate formats (the instruction formats of the ISA manual).
localparam [2:0] IMM_I = 3'd0;
localparam [2:0] IMM_S = 3'd1;
localparam [2:0] IMM_B = 3'd2;
localparam [2:0] IMM_U = 3'd3;
localparam [2:0] IMM_J = 3'd4;
localparam [2:0] IMM_Z = 3'd5;  // CSR immediate: zero-extended rs1 field
