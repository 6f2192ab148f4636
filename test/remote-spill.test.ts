// The remote policies with the memory servers full: pages displaced to disk and read back.
//
// Under REMOTE_MAIN a page stays where it was first placed (on a server, or local and then on
// disk), so a full server has room again only when a page leaves it: when the host reads or
// writes it (a WASI call's buffer), which migrates it local. A page the host only read is then
// local, clean, and has no copy on disk; displaced, it must be written there. No AssemblyScript
// workload makes such a call, so this needs a WASI command. And while a server has room, a page whose bytes
// are on disk must not be given a fresh zero page on it. COUNTERS frees server room at every
// migration, and its displaced pages go to the engine's disk once the servers are full.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { FaultEvent } from "../host/engine.ts";
import { run } from "../host/run.ts";
import { runCommand } from "../host/wasi/command.ts";
import { watFile } from "./wat.ts";

// A WASI command, run with 2 local frames of 4 KiB and one server of 2 pages:
//  - pages 2 and 3 take the local frames ('a', 'b'); pages 4 and 5 go to the server ('c', 'd');
//    pages 8 to 47 (one store each) find the server full and are local: each displaces a dirty
//    page to disk, pages 2 and 3 first, enough for a clustered write of the disk model.
//  - fd_write prints page 4 ("c\n"): the host's read migrates page 4 local (clean, never on disk)
//    and the server has a free slot.
//  - page 6 (the iovec) is used again, so page 4 is the least recently used; then the program
//    loads page 2 (on disk: it must come back from there, not as a zero page in the free slot),
//    which displaces page 4 (clean, and must be written to disk), then page 4, page 3 and page
//    5, and prints the four bytes it loaded: "acbd\n".
const SPILL_WAT = `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 3)
  (func $print (param $buf i32) (param $len i32)
    (i32.store (i32.const 0x6000) (local.get $buf))
    (i32.store (i32.const 0x6004) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0x6000) (i32.const 1) (i32.const 0x6008))))
  (func (export "_start") (local $page i32)
    (i32.store8 (i32.const 0x2000) (i32.const 0x61))
    (i32.store8 (i32.const 0x3000) (i32.const 0x62))
    (i32.store8 (i32.const 0x4000) (i32.const 0x63))
    (i32.store8 (i32.const 0x4001) (i32.const 0x0a))
    (i32.store8 (i32.const 0x5000) (i32.const 0x64))
    (local.set $page (i32.const 8))
    (loop $fill
      (i32.store (i32.shl (local.get $page) (i32.const 12)) (local.get $page))
      (local.set $page (i32.add (local.get $page) (i32.const 1)))
      (br_if $fill (i32.lt_u (local.get $page) (i32.const 48))))
    (call $print (i32.const 0x4000) (i32.const 2))
    (drop (i32.load (i32.const 0x6008)))
    (i32.store8 (i32.const 0x6020) (i32.load8_u (i32.const 0x2000)))
    (i32.store8 (i32.const 0x6021) (i32.load8_u (i32.const 0x4000)))
    (i32.store8 (i32.const 0x6022) (i32.load8_u (i32.const 0x3000)))
    (i32.store8 (i32.const 0x6023) (i32.load8_u (i32.const 0x5000)))
    (i32.store8 (i32.const 0x6024) (i32.const 0x0a))
    (call $print (i32.const 0x6020) (i32.const 5))))`;

test("remote-main with its server full: a page the host migrated, displaced clean, and pages on disk come back from disk", async () => {
  const file = watFile("spill", SPILL_WAT);
  const plain = await runCommand({ workload: file, policy: "local" });
  assert.equal(plain.stdout, "c\nacbd\n");
  const faults: FaultEvent[] = [];
  const r = await runCommand({ workload: file, policy: "remote-main", localPages: 2, servers: 1, serverMem: "8KiB" }, {},
    { onFault: (f) => faults.push(f) });
  assert.equal(r.trap, null);
  assert.equal(r.stdout, plain.stdout, "the bytes read back differ from the plain run's");
  // The path the program is written to take.
  assert.equal(r.migrations, 1, "the host's read of page 4 migrated it");
  assert.ok(faults.some((f) => f.vpageIn === 2 && f.vpageOut === 4 && !f.dirty), "page 4 was displaced clean");
  assert.ok(faults.some((f) => f.vpageIn === 4), "page 4 was read back");
  assert.ok(r.remoteAccesses > 0);
  // The displaced pages were written to disk (a clustered write of 32), and pages 2 and 3 were
  // read back from it.
  assert.ok(r.diskWrites >= 32, `disk writes ${r.diskWrites}`);
  assert.ok(r.diskReads >= 2, `disk reads ${r.diskReads}`);
});

test("counters with a small server: displaced pages go to the engine's disk and come back from it while servers have room", async () => {
  const options = { workload: "trans", size: "tiny" as const, policy: "counters", localPages: 16, servers: 1, serverMem: "64KiB", counter: 32 };
  const r = await run(options);
  assert.ok(r.verified, `checksum ${r.checksum}, native ${r.nativeChecksum}`);
  assert.ok(r.migrations > 0, "nothing migrated");
  assert.ok(r.diskWrites > 0 && r.diskReads > 0, `disk writes ${r.diskWrites}, reads ${r.diskReads}`);
});
