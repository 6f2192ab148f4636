// Keeps a program's paths inside the directories it was given, in front of node:wasi.
//
// node:wasi (uvwasi 0.0.23 in Node 20) refuses `..` out of a directory, but not every symlink:
// it lets the host follow a symlink in the middle of a path (`link-to-parent/file` opens, stats or
// deletes a file outside), and path_open follows a final symlink even when the program asked it
// not to. Node's documentation says as much: node:wasi is not a sandbox. So before each call that
// takes a path, the path is resolved here, component by component on the host, from the directory
// its fd stands for: `..` may not climb above that directory, a symlink is followed where the call
// follows it (every component but the last; the last too with LOOKUPFLAGS_SYMLINK_FOLLOW or a
// trailing slash) and may not lead out of it, and a symlink with an absolute target is not
// followed at all (as wasmtime does). What leaves is refused with ENOTCAPABLE, node:wasi's own
// error for `..`. What stays is handed to node:wasi as the resolved path, with no symlink left in
// it that node:wasi could follow out, written into a free stretch of the shadow.
//
// The directory an fd stands for: the preopens are fds 3, 4, ... in order (checked against
// fd_prestat_dir_name); path_open adds the path it resolved; fd_close and fd_renumber move them.
// What this does not defend against: another host process changing the directory between the
// check and node:wasi's use of the path.
import { lstatSync, readlinkSync, realpathSync } from "node:fs";
import { join } from "node:path";
import type { DirMapping } from "./implementation.ts";
import type { WasiCall } from "./marshal.ts";
import type { Region } from "./preview1.ts";

const ERRNO_BADF = 8;
const ERRNO_EXIST = 20;
const ERRNO_INVAL = 28;
const ERRNO_LOOP = 32;
const ERRNO_NAMETOOLONG = 37;
const ERRNO_NOTCAPABLE = 76;
const LOOKUPFLAGS_SYMLINK_FOLLOW = 1;
const OFLAGS_CREAT = 1;
const OFLAGS_EXCL = 4;
/** As many symlinks as uvwasi follows in one path. */
const MAX_SYMLINKS = 32;
const FILESTAT_BYTES = 64;

/** A path argument of a call: its fd, its (pointer, length) at `path`, `path + 1`, and whether the
 *  call follows a symlink in its last component. */
interface PathArg {
  fd: number;
  path: number;
  follow?: (a: number[]) => boolean;
}
const followFlag = (i: number) => (a: number[]) => (a[i] & LOOKUPFLAGS_SYMLINK_FOLLOW) !== 0;

/** Every preview1 call that takes a path (path_symlink's first path is the link's contents, not a
 *  path it opens), and the out-parameters the rewritten path must not overlap. */
const PATH_CALLS: Record<string, { paths: PathArg[]; outs?: (a: number[]) => Region[] }> = {
  path_create_directory: { paths: [{ fd: 0, path: 1 }] },
  path_filestat_get: { paths: [{ fd: 0, path: 2, follow: followFlag(1) }], outs: (a) => [{ addr: a[4], bytes: FILESTAT_BYTES }] },
  path_filestat_set_times: { paths: [{ fd: 0, path: 2, follow: followFlag(1) }] },
  path_link: { paths: [{ fd: 0, path: 2, follow: followFlag(1) }, { fd: 4, path: 5 }] },
  path_open: { paths: [{ fd: 0, path: 2, follow: followFlag(1) }], outs: (a) => [{ addr: a[8], bytes: 4 }] },
  path_readlink: { paths: [{ fd: 0, path: 1 }], outs: (a) => [{ addr: a[3], bytes: a[4] }, { addr: a[5], bytes: 4 }] },
  path_remove_directory: { paths: [{ fd: 0, path: 1 }] },
  path_rename: { paths: [{ fd: 0, path: 1 }, { fd: 3, path: 4 }] },
  path_symlink: { paths: [{ fd: 2, path: 3 }], outs: (a) => [{ addr: a[0], bytes: a[1] }] },
  path_unlink_file: { paths: [{ fd: 0, path: 1 }] },
};

type Resolved = { errno: number } | { rel: string; real: string; finalSymlink: boolean };

const isLink = (path: string): boolean => {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false; // missing, or below a file: the host call gives its own error
  }
};

/** `path` from the directory `root`, resolved as the host would resolve it but without leaving
 *  `root`: the path relative to root that names the same file with no symlink to follow in it. */
export function resolveInside(root: string, path: string, followFinal: boolean): Resolved {
  if (path.startsWith("/")) return { errno: ERRNO_NOTCAPABLE };
  const trailingSlash = path.endsWith("/");
  let parts = path.split("/").filter((p) => p !== "" && p !== ".");
  const at: string[] = [];
  let links = 0;
  while (parts.length > 0) {
    const name = parts.shift()!;
    if (name === "..") {
      if (at.length === 0) return { errno: ERRNO_NOTCAPABLE };
      at.pop();
      continue;
    }
    const full = join(root, ...at, name);
    const last = parts.length === 0;
    if ((!last || followFinal || trailingSlash) && isLink(full)) {
      if (++links > MAX_SYMLINKS) return { errno: ERRNO_LOOP };
      const target = readlinkSync(full);
      if (target.startsWith("/")) return { errno: ERRNO_NOTCAPABLE };
      parts = [...target.split("/").filter((p) => p !== "" && p !== "."), ...parts];
      continue;
    }
    at.push(name);
  }
  const real = join(root, ...at);
  const rel = at.length === 0 ? "." : `${at.join("/")}${trailingSlash ? "/" : ""}`;
  return { rel, real, finalSymlink: at.length > 0 && !trailingSlash && isLink(real) };
}

/** node:wasi's calls with every path checked and resolved first (see above). */
export function sandboxed(calls: Record<string, WasiCall>, shadow: WebAssembly.Memory, preopens: DirMapping[]): Record<string, WasiCall> {
  /** The host directory (or file) each of the program's fds stands for. */
  const fds = new Map<number, string>(preopens.map((d, i) => [3 + i, realpathSync(d.host)]));
  const guests = new Map<number, string>(preopens.map((d, i) => [3 + i, d.guest]));
  const call = (name: string) => calls[name] as (...args: unknown[]) => number;
  const u32 = (addr: number) => new DataView(shadow.buffer).getUint32(addr >>> 0, true);
  const out: Record<string, WasiCall> = { ...calls };

  for (const [name, spec] of Object.entries(PATH_CALLS)) {
    if (!calls[name]) continue;
    const raw = call(name);
    out[name] = ((...params: unknown[]) => {
      const a = params.map((p) => (typeof p === "number" ? p : 0));
      const args = [...params];
      const size = shadow.buffer.byteLength;
      // What the call reads and writes, which a rewritten path must not overlap.
      const taken: Region[] = [...spec.paths.map((p) => ({ addr: a[p.path] >>> 0, bytes: a[p.path + 1] >>> 0 })), ...(spec.outs?.(a) ?? [])];
      const scratch: Region[] = [];
      let opened: string | undefined;
      try {
        for (const p of spec.paths) {
          const fd = a[p.fd] >>> 0;
          const root = fds.get(fd);
          const ptr = a[p.path] >>> 0;
          const len = a[p.path + 1] >>> 0;
          // stdin, stdout and stderr have no right to paths: node:wasi refuses them. Any other fd
          // that stands for nothing here is not open (every fd node:wasi gives out is tracked).
          if (root === undefined) {
            if (fd <= 2) continue;
            return ERRNO_BADF;
          }
          // A path outside the program's memory: node:wasi gives its own error (EOVERFLOW).
          if (ptr + len > size) continue;
          if (len === 0) {
            // The fd's own directory, as node:wasi resolves an empty path.
            if (name === "path_open") opened = root;
            continue;
          }
          const bytes = new Uint8Array(shadow.buffer, ptr, len);
          if (bytes.includes(0)) return ERRNO_INVAL;
          const path = Buffer.from(bytes).toString("utf8");
          if (!Buffer.from(path, "utf8").equals(bytes)) return ERRNO_INVAL; // not UTF-8: cannot be checked here
          const r = resolveInside(root, path, p.follow?.(a) ?? false);
          if ("errno" in r) return r.errno;
          if (name === "path_open") {
            // uvwasi opens without O_NOFOLLOW: a symlink the program asked not to follow is refused
            // here, as open(O_NOFOLLOW) refuses it.
            if (r.finalSymlink) return (a[4] & OFLAGS_CREAT) !== 0 && (a[4] & OFLAGS_EXCL) !== 0 ? ERRNO_EXIST : ERRNO_LOOP;
            opened = r.real;
          }
          if (r.rel === path) continue;
          const text = Buffer.from(r.rel, "utf8");
          const addr = freeStretch([...taken, ...scratch], text.length, size);
          if (addr === null) return ERRNO_NAMETOOLONG;
          new Uint8Array(shadow.buffer, addr, text.length).set(text);
          scratch.push({ addr, bytes: text.length });
          args[p.path] = addr;
          args[p.path + 1] = text.length;
        }
        const errno = raw(...args);
        if (errno === 0 && name === "path_open" && opened !== undefined) fds.set(u32(a[8]), opened);
        return errno;
      } finally {
        for (const s of scratch) new Uint8Array(shadow.buffer, s.addr, s.bytes).fill(0);
      }
    }) as WasiCall;
  }

  const close = call("fd_close");
  out.fd_close = ((fd: number) => {
    const errno = close(fd);
    if (errno === 0) {
      fds.delete(fd);
      guests.delete(fd);
    }
    return errno;
  }) as WasiCall;
  const renumber = call("fd_renumber");
  out.fd_renumber = ((from: number, to: number) => {
    const errno = renumber(from, to);
    if (errno === 0 && from !== to) {
      const path = fds.get(from);
      fds.delete(from);
      guests.delete(from);
      guests.delete(to);
      if (path === undefined) fds.delete(to);
      else fds.set(to, path);
    }
    return errno;
  }) as WasiCall;
  const dirName = call("fd_prestat_dir_name");
  out.fd_prestat_dir_name = ((fd: number, ptr: number, len: number) => {
    const errno = dirName(fd, ptr, len);
    const guest = guests.get(fd);
    if (errno === 0 && guest !== undefined && Buffer.from(shadow.buffer, ptr >>> 0, len >>> 0).toString() !== guest.slice(0, len >>> 0)) {
      throw new Error(`remora: node:wasi numbered the preopened directories differently (fd ${fd} is not ${guest})`);
    }
    return errno;
  }) as WasiCall;
  return out;
}

/** The lowest address where `bytes` fit in [0, size) without overlapping `taken`, or null. */
function freeStretch(taken: Region[], bytes: number, size: number): number | null {
  let at = 0;
  for (const t of [...taken].sort((x, y) => x.addr - y.addr)) {
    if (at + bytes <= t.addr) break;
    at = Math.max(at, t.addr + t.bytes);
  }
  return at + bytes <= size ? at : null;
}
