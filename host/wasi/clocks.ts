// The WASI clocks at the host's full resolution, the same on every WASI implementation remora uses
// (node:wasi and @wasmer/wasi both get these two calls from here).
//
// - CLOCK_MONOTONIC: process.hrtime.bigint(), nanoseconds of the host's monotonic clock (in a
//   browser, performance.now()).
// - CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID: the same monotonic clock, counted from the
//   start of the run. The host's own CPU-time clocks would count remora's work too (the MMU,
//   memory-server threads spinning on other cores), which is not the program's; the program runs
//   on one thread and never sleeps in a CPU-time measurement, so elapsed time is its CPU time.
// - CLOCK_REALTIME: the wall clock read once at the start of the run (to the microsecond), advanced
//   by the monotonic clock: real time with nanosecond steps, which never goes backwards in a run.
// clock_res_get says 1 ns for each: every one of them advances in nanoseconds.

/** WASI preview1 clock ids. */
export const CLOCK_REALTIME = 0;
export const CLOCK_MONOTONIC = 1;
export const CLOCK_PROCESS_CPUTIME_ID = 2;
export const CLOCK_THREAD_CPUTIME_ID = 3;

const ERRNO_SUCCESS = 0;
const ERRNO_INVAL = 28;
/** What node:wasi returns for an out-parameter outside the program's memory. */
const ERRNO_OVERFLOW = 61;

/** Every clock advances in nanoseconds. */
export const CLOCK_RESOLUTION_NS = 1n;

/** The host's monotonic clock in ns: Node's hrtime; in a browser (the playground), performance.now(),
 *  which a cross-origin isolated page reads to 5 µs. */
const monotonicNs: () => bigint = typeof process === "object" && typeof process.hrtime?.bigint === "function"
  ? () => process.hrtime.bigint()
  : () => BigInt(Math.round(performance.now() * 1e6));

/** The clocks of one run, counted from `new Clocks()` and again from begin(). */
export class Clocks {
  private start = 0n;
  /** Real time at `start`, in ns since the epoch (performance's origin is read to the µs). */
  private realStart = 0n;

  constructor() {
    this.begin();
  }

  /** The program starts now: the CPU-time clocks read 0, and real time is read again. */
  begin(): void {
    this.start = monotonicNs();
    this.realStart = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n;
  }

  /** The clock's time in ns, or null for a clock WASI does not have. */
  now(id: number): bigint | null {
    const t = monotonicNs();
    switch (id) {
      case CLOCK_MONOTONIC: return t;
      case CLOCK_REALTIME: return this.realStart + (t - this.start);
      case CLOCK_PROCESS_CPUTIME_ID:
      case CLOCK_THREAD_CPUTIME_ID: return t - this.start;
      default: return null;
    }
  }

  /** clock_res_get and clock_time_get as WASI calls on `memory` (the program's memory as the
   *  WASI implementation sees it). */
  calls(memory: () => ArrayBuffer): { clock_res_get: (id: number, out: number) => number; clock_time_get: (id: number, precision: bigint, out: number) => number } {
    const put = (out: number, value: bigint | null): number => {
      if (value === null) return ERRNO_INVAL;
      const buffer = memory();
      out >>>= 0;
      if (out + 8 > buffer.byteLength) return ERRNO_OVERFLOW;
      new DataView(buffer).setBigUint64(out, value, true);
      return ERRNO_SUCCESS;
    };
    return {
      clock_res_get: (id, out) => put(out, this.now(id) === null ? null : CLOCK_RESOLUTION_NS),
      clock_time_get: (id, _precision, out) => put(out, this.now(id)),
    };
  }
}
