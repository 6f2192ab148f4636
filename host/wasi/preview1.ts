// What each wasi_snapshot_preview1 call does with the program's memory, so that a host call sees
// *virtual* memory through the MMU. Before a call, the bytes it reads are copied from virtual
// memory into a bounce buffer (the "shadow", at the same addresses) that the WASI implementation
// sees as the program's memory; after a successful call, the bytes it wrote are copied back
// through the MMU, which faults their pages in and marks them dirty. Like an operating system's
// copy_from_user / copy_to_user.
//
// Argument lists follow the WASI preview1 witx (i64 arguments arrive as BigInt and count as one).

/** A byte range of virtual memory. */
export interface Region {
  addr: number;
  bytes: number;
}

/** The calls' view of memory while it is being marshalled. */
export interface CallMemory {
  /** A little-endian u32 of virtual memory (before the call) or of the shadow (after it). */
  u32(addr: number): number;
  /** What args_get / environ_get write: pointer-array and string-buffer sizes. */
  argsBytes: [count: number, bytes: number];
  envBytes: [count: number, bytes: number];
}

export interface CallShape {
  /** Regions copied into the shadow before the call: what it reads, and structs with padding it
   *  writes only in part (so the padding keeps the program's bytes). */
  before?(a: number[], m: CallMemory): Region[];
  /** Regions copied back to virtual memory after the call returned success (errno 0). */
  after?(a: number[], m: CallMemory): Region[];
}

const r = (addr: number, bytes: number): Region => ({ addr: addr >>> 0, bytes: bytes >>> 0 });
/** An iovec array: {buf: u32, len: u32} per element. */
const IOVEC_BYTES = 8;
export const iovecs = (m: CallMemory, at: number, count: number): Region[] =>
  Array.from({ length: count >>> 0 }, (_, i) => r(m.u32(at + i * IOVEC_BYTES), m.u32(at + i * IOVEC_BYTES + 4)));
/** The first `bytes` of a list of buffers: what a read of `bytes` filled. */
export function prefix(regions: Region[], bytes: number): Region[] {
  const out: Region[] = [];
  for (const reg of regions) {
    if (bytes <= 0) break;
    out.push(r(reg.addr, Math.min(reg.bytes, bytes)));
    bytes -= reg.bytes;
  }
  return out;
}
/** A call that only writes a fixed-size scalar (u32 / u64) at argument `i`. */
const outScalar = (i: number, bytes: number): CallShape => ({ after: (a) => [r(a[i], bytes)] });
/** A call that writes a struct with padding at argument `i`. */
const outStruct = (i: number, bytes: number): CallShape => ({ before: (a) => [r(a[i], bytes)], after: (a) => [r(a[i], bytes)] });
/** A call that reads strings (pointer, length) at the given argument pairs. */
const strings = (...pairs: number[]): CallShape => ({ before: (a) => pairs.map((i) => r(a[i], a[i + 1])) });
const noMemory: CallShape = {};

const FDSTAT_BYTES = 24;
const FILESTAT_BYTES = 64;
const PRESTAT_BYTES = 8;
const SUBSCRIPTION_BYTES = 48;
const EVENT_BYTES = 32;

/** Reads into iovecs at argument 1 (count at 2); the byte count is written at argument `n`. */
const readv = (n: number): CallShape => ({
  before: (a) => [r(a[1], a[2] * IOVEC_BYTES)],
  after: (a, m) => [r(a[n], 4), ...prefix(iovecs(m, a[1], a[2]), m.u32(a[n]))],
});
/** Writes from iovecs at argument 1 (count at 2); the byte count is written at argument `n`. */
const writev = (n: number): CallShape => ({
  before: (a, m) => [r(a[1], a[2] * IOVEC_BYTES), ...iovecs(m, a[1], a[2])],
  after: (a) => [r(a[n], 4)],
});

/** Every preview1 call remora provides. A module importing anything else is refused by name. */
export const PREVIEW1: Record<string, CallShape> = {
  args_get: { after: (a, m) => [r(a[0], m.argsBytes[0] * 4), r(a[1], m.argsBytes[1])] },
  args_sizes_get: { after: (a) => [r(a[0], 4), r(a[1], 4)] },
  environ_get: { after: (a, m) => [r(a[0], m.envBytes[0] * 4), r(a[1], m.envBytes[1])] },
  environ_sizes_get: { after: (a) => [r(a[0], 4), r(a[1], 4)] },
  clock_res_get: outScalar(1, 8),
  clock_time_get: outScalar(2, 8),
  fd_advise: noMemory,
  fd_allocate: noMemory,
  fd_close: noMemory,
  fd_datasync: noMemory,
  fd_fdstat_get: outStruct(1, FDSTAT_BYTES),
  fd_fdstat_set_flags: noMemory,
  fd_fdstat_set_rights: noMemory,
  fd_filestat_get: outStruct(1, FILESTAT_BYTES),
  fd_filestat_set_size: noMemory,
  fd_filestat_set_times: noMemory,
  fd_pread: readv(4),
  fd_prestat_get: outStruct(1, PRESTAT_BYTES),
  fd_prestat_dir_name: { after: (a) => [r(a[1], a[2])] },
  fd_pwrite: writev(4),
  fd_read: readv(3),
  fd_readdir: { after: (a, m) => [r(a[4], 4), r(a[1], Math.min(a[2] >>> 0, m.u32(a[4])))] },
  fd_renumber: noMemory,
  fd_seek: outScalar(3, 8),
  fd_sync: noMemory,
  fd_tell: outScalar(1, 8),
  fd_write: writev(3),
  path_create_directory: strings(1),
  path_filestat_get: { before: (a) => [r(a[2], a[3]), r(a[4], FILESTAT_BYTES)], after: (a) => [r(a[4], FILESTAT_BYTES)] },
  path_filestat_set_times: strings(2),
  path_link: strings(2, 5),
  path_open: { before: (a) => [r(a[2], a[3])], after: (a) => [r(a[8], 4)] },
  path_readlink: { before: (a) => [r(a[1], a[2])], after: (a, m) => [r(a[5], 4), r(a[3], Math.min(a[4] >>> 0, m.u32(a[5])))] },
  path_remove_directory: strings(1),
  path_rename: strings(1, 4),
  path_symlink: strings(0, 3),
  path_unlink_file: strings(1),
  poll_oneoff: {
    before: (a) => [r(a[0], a[2] * SUBSCRIPTION_BYTES), r(a[1], a[2] * EVENT_BYTES)],
    after: (a, m) => [r(a[3], 4), r(a[1], Math.min(a[2] >>> 0, m.u32(a[3])) * EVENT_BYTES)],
  },
  proc_exit: noMemory,
  proc_raise: noMemory,
  sched_yield: noMemory,
  random_get: { after: (a) => [r(a[0], a[1])] },
  sock_recv: {
    before: (a) => [r(a[1], a[2] * IOVEC_BYTES)],
    after: (a, m) => [r(a[4], 4), r(a[5], 2), ...prefix(iovecs(m, a[1], a[2]), m.u32(a[4]))],
  },
  sock_send: writev(4),
  sock_shutdown: noMemory,
};
