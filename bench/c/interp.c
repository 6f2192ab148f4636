// interp: a small stack-machine bytecode interpreter (a switch in a loop, as in Lua, CPython or a
// regex VM) running a sieve of Eratosthenes written in its bytecode, a few times.
// Access pattern: 1-byte opcode loads and unaligned 2- and 4-byte operand loads from the
// bytecode, 4-byte pushes and pops of an operand stack in memory, 4-byte variable slots, and the
// sieve's 1-byte loads and stores with a growing stride; a data-dependent branch per instruction.
// Size: argv[1] = the sieve's limit in thousands (default 1500; 3 runs); test size: 2.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUNS 3

enum { HALT, PUSH, LOAD, STORE, ADD, LT, JZ, JNZ, JMP, LOADB, STOREB };
enum { I, J, SUM, LIMIT, VARS };

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* A tiny assembler: opcodes and operands into code, jumps patched once their target is known. */
static uint8_t code[256];
static int pc;
static void op(int o) { code[pc++] = (uint8_t)o; }
static void op_slot(int o, int slot) { op(o); code[pc++] = (uint8_t)slot; }
static void push(int32_t v) { op(PUSH); memcpy(code + pc, &v, 4); pc += 4; }
static int jump(int o) { op(o); pc += 2; return pc - 2; }
static void jump_to(int o, int target) { int at = jump(o); uint16_t t = (uint16_t)target; memcpy(code + at, &t, 2); }
static void land(int at) { uint16_t t = (uint16_t)pc; memcpy(code + at, &t, 2); }

static void assemble(void) {
  push(2), op_slot(STORE, I);
  int loop_i = pc;
  op_slot(LOAD, I), op_slot(LOAD, LIMIT), op(LT);
  int done = jump(JZ);
  op_slot(LOAD, I), op(LOADB);
  int composite = jump(JNZ);
  op_slot(LOAD, SUM), op_slot(LOAD, I), op(ADD), op_slot(STORE, SUM);
  op_slot(LOAD, I), op_slot(LOAD, I), op(ADD), op_slot(STORE, J);
  int loop_j = pc;
  op_slot(LOAD, J), op_slot(LOAD, LIMIT), op(LT);
  int next = jump(JZ);
  op_slot(LOAD, J), push(1), op(STOREB);
  op_slot(LOAD, J), op_slot(LOAD, I), op(ADD), op_slot(STORE, J);
  jump_to(JMP, loop_j);
  land(composite);
  land(next);
  op_slot(LOAD, I), push(1), op(ADD), op_slot(STORE, I);
  jump_to(JMP, loop_i);
  land(done);
  op(HALT);
}

__attribute__((noinline)) static uint32_t interpret(const uint8_t *bytecode, int32_t *vars, uint8_t *mem) {
  int32_t stack[16];
  int sp = 0;
  uint16_t target;
  for (const uint8_t *ip = bytecode;;) {
    switch (*ip++) {
    case HALT:
      return (uint32_t)vars[SUM];
    case PUSH:
      memcpy(&stack[sp++], ip, 4);
      ip += 4;
      break;
    case LOAD:
      stack[sp++] = vars[*ip++];
      break;
    case STORE:
      vars[*ip++] = stack[--sp];
      break;
    case ADD:
      sp--;
      stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] + (uint32_t)stack[sp]);
      break;
    case LT:
      sp--;
      stack[sp - 1] = stack[sp - 1] < stack[sp];
      break;
    case JZ:
    case JNZ:
      memcpy(&target, ip, 2);
      ip += 2;
      if ((stack[--sp] != 0) == (ip[-3] == JNZ)) ip = bytecode + target;
      break;
    case JMP:
      memcpy(&target, ip, 2);
      ip = bytecode + target;
      break;
    case LOADB:
      stack[sp - 1] = mem[stack[sp - 1]];
      break;
    case STOREB:
      sp -= 2;
      mem[stack[sp]] = (uint8_t)stack[sp + 1];
      break;
    default:
      return 0xdeadbeef;
    }
  }
}

int main(int argc, char **argv) {
  int32_t limit = (argc > 1 ? atoi(argv[1]) : 1500) * 1000;
  assemble();
  uint8_t *mem = malloc((size_t)limit);
  int32_t *vars = malloc(sizeof(int32_t) * VARS);
  uint32_t sums[RUNS];
  long long t0 = now_ns();
  for (int r = 0; r < RUNS; r++) {
    // Each run sieves up to a slightly different limit.
    memset(mem, 0, (size_t)limit);
    memset(vars, 0, sizeof(int32_t) * VARS);
    vars[LIMIT] = limit - r * 1000 / RUNS;
    sums[r] = interpret(code, vars, mem);
  }
  long long t1 = now_ns();
  printf("kernel_ns=%lld checksum=%u,%u,%u\n", t1 - t0, sums[0], sums[1], sums[2]);
  return 0;
}
