// harness.cpp: the Verilator main for b2i_tb: loads the program into RAM, then clocks until $finish.
//
//   b2i_sim [+plusargs of b2i_tb.v] PROGRAM
//
// PROGRAM is an ELF64 RISC-V executable (each PT_LOAD segment is copied to its physical address, which must
// lie in RAM at 0x8000_0000; memsz beyond filesz stays zero) or a .hex file of $readmemh 64-bit words (word 0
// at 0x8000_0000, optional @word-address lines). The testbench does the rest, as under Icarus: UART output
// (stdout, or +uart=FILE), the commit log (+trace=FILE), traps (+traps=FILE), UART input (+uart_in=FILE),
// +max_cycles=N, and the last line "b2i-hdl: cycles=C instret=I finished=F exit=E".
// A program that cannot be loaded is one line on stderr, "b2i_sim: error: PROGRAM: why", and exit status 2.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "Vb2i_tb.h"
#include "Vb2i_tb__Dpi.h"
#include "svdpi.h"
#include "verilated.h"

namespace {

const uint64_t RAM_BASE = 0x80000000ull;

// Why a program cannot be loaded; `line` (hex files) is put after the file name, as "prog.hex:3: ...".
struct LoadError : std::runtime_error {
    int line;
    explicit LoadError(const std::string& why, int line = 0) : std::runtime_error(why), line(line) {}
};

// The RAM image: bytes from RAM_BASE, grown as segments or words are placed.
struct Image {
    std::vector<uint8_t> bytes;
    void place(uint64_t offset, const uint8_t* data, uint64_t size, uint64_t zeros) {
        if (bytes.size() < offset + size + zeros) bytes.resize(offset + size + zeros);
        std::memcpy(bytes.data() + offset, data, size);
    }
};

template <typename T> T read_le(const std::vector<uint8_t>& data, uint64_t at) {
    if (at + sizeof(T) > data.size()) throw std::runtime_error("truncated ELF file");
    T value = 0;
    for (size_t i = 0; i < sizeof(T); i++) value |= static_cast<T>(data[at + i]) << (8 * i);
    return value;
}

std::string hex(uint64_t value) {
    char text[24];
    std::snprintf(text, sizeof text, "%#llx", static_cast<unsigned long long>(value));
    return text;
}

// ELF64 little-endian, machine RISC-V (243): the PT_LOAD segments, by physical address.
Image load_elf(const std::vector<uint8_t>& data) {
    if (data.size() < 64 || data[4] != 2 || data[5] != 1)
        throw std::runtime_error("not a 64-bit little-endian ELF file");
    uint16_t machine = read_le<uint16_t>(data, 18);
    if (machine != 243)
        throw std::runtime_error("ELF machine " + std::to_string(machine) + " is not RISC-V (243)");
    uint64_t phoff = read_le<uint64_t>(data, 32);
    uint16_t phentsize = read_le<uint16_t>(data, 54), phnum = read_le<uint16_t>(data, 56);
    Image image;
    bool any = false;
    for (uint16_t i = 0; i < phnum; i++) {
        uint64_t ph = phoff + static_cast<uint64_t>(i) * phentsize;
        uint32_t type = read_le<uint32_t>(data, ph);
        uint64_t offset = read_le<uint64_t>(data, ph + 8), paddr = read_le<uint64_t>(data, ph + 24);
        uint64_t filesz = read_le<uint64_t>(data, ph + 32), memsz = read_le<uint64_t>(data, ph + 40);
        if (type != 1 || memsz == 0) continue;  // PT_LOAD only
        if (paddr + memsz <= RAM_BASE)
            throw std::runtime_error("segment at " + hex(paddr) + " is below RAM (" + hex(RAM_BASE) + ")");
        if (offset + filesz > data.size()) throw std::runtime_error("truncated ELF file");
        // ld may map the ELF headers just below the first section: drop what lies below RAM
        uint64_t skip = paddr < RAM_BASE ? RAM_BASE - paddr : 0;
        uint64_t size = filesz > skip ? filesz - skip : 0;
        image.place(paddr + skip - RAM_BASE, data.data() + offset + skip, size, memsz - skip - size);
        any = true;
    }
    if (!any) throw std::runtime_error("ELF file has no loadable segments");
    return image;
}

// $readmemh text: 64-bit words, one or more a line, "@N" moves to word N, "//" starts a comment.
Image load_hex(const std::string& text) {
    Image image;
    std::istringstream lines(text);
    std::string line, token;
    uint64_t word_index = 0;
    for (int number = 1; std::getline(lines, line); number++) {
        std::istringstream tokens(line.substr(0, line.find("//")));
        while (tokens >> token) {
            bool address = token[0] == '@';
            std::string digits = address ? token.substr(1) : token;
            char* end = nullptr;
            uint64_t value = std::strtoull(digits.c_str(), &end, 16);
            if (digits.empty() || *end != '\0')
                throw LoadError("bad hex word '" + token + "'", number);
            if (address) {
                word_index = value;
                continue;
            }
            uint8_t bytes[8];
            for (int i = 0; i < 8; i++) bytes[i] = static_cast<uint8_t>(value >> (8 * i));
            image.place(8 * word_index++, bytes, 8, 0);
        }
    }
    return image;
}

Image load_program(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) throw std::runtime_error(std::strerror(errno));
    std::vector<uint8_t> data((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    if (data.size() >= 4 && std::memcmp(data.data(), "\x7f" "ELF", 4) == 0) return load_elf(data);
    if (path.size() > 4 && path.compare(path.size() - 4, 4, ".hex") == 0)
        return load_hex(std::string(data.begin(), data.end()));
    throw std::runtime_error("not an ELF or .hex file");
}

}  // namespace

// $finish without Verilator's "- file:line: Verilog $finish" line (the build defines VL_USER_FINISH): the
// summary stays the last line of output.
void vl_finish(const char*, int, const char*) { Verilated::threadContextp()->gotFinish(true); }

int main(int argc, char** argv) {
    std::string program;
    for (int i = 1; i < argc; i++)
        if (argv[i][0] != '+') program = argv[i];
    if (program.empty()) {
        std::fprintf(stderr, "usage: %s [+plusargs] PROGRAM.elf|PROGRAM.hex\n", argv[0]);
        return 2;
    }
    Image image;
    try {
        image = load_program(program);
    } catch (const LoadError& error) {
        std::string where = error.line ? program + ":" + std::to_string(error.line) : program;
        std::fprintf(stderr, "b2i_sim: error: %s: %s\n", where.c_str(), error.what());
        return 2;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "b2i_sim: error: %s: %s\n", program.c_str(), error.what());
        return 2;
    }

    auto context = std::make_unique<VerilatedContext>();
    context->commandArgs(argc, argv);
    context->quiet(true);
    auto tb = std::make_unique<Vb2i_tb>(context.get());
    tb->clk = 0;
    tb->eval();  // the testbench's initial blocks run (plusargs); the core is held in reset

    svSetScope(svGetScopeFromName("TOP.b2i_tb"));
    uint64_t words = static_cast<uint64_t>(b2i_tb_ram_words());
    if (image.bytes.size() > 8 * words) {
        std::fprintf(stderr, "b2i_sim: error: %s: %zu bytes do not fit in RAM (%llu bytes)\n", program.c_str(),
                     image.bytes.size(), static_cast<unsigned long long>(8 * words));
        return 2;
    }
    image.bytes.resize((image.bytes.size() + 7) / 8 * 8);
    for (size_t i = 0; i < image.bytes.size(); i += 8) {
        uint64_t word = 0;
        for (int b = 0; b < 8; b++) word |= static_cast<uint64_t>(image.bytes[i + b]) << (8 * b);
        b2i_tb_ram_write(static_cast<int>(i / 8), static_cast<long long>(word));
    }

    while (!context->gotFinish()) {
        tb->clk = 1;
        tb->eval();
        tb->clk = 0;
        tb->eval();
    }
    tb->final();
    return 0;
}
