// REMOTE_MAIN, COUNTERS and SOFTWARE_COUNTERS: remote memory used in place, one access at a time.
import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { run } from "../host/run.ts";
import { runCommand } from "../host/wasi/command.ts";
import { WORKLOADS } from "../workloads/index.ts";
import { watFile } from "./wat.ts";

for (const w of Object.values(WORKLOADS)) {
  test(`${w.name} is verified under remote-main, counters and software-counters, and both counter policies make the same decisions`, async () => {
    const workingSet = w.workingSetBytes(w.sizes.tiny);
    for (const limit of [{ localPages: 64 }, { localMem: String(Math.max(8192, Math.floor(workingSet / 8))) }]) {
      const results = new Map<string, Awaited<ReturnType<typeof run>>>();
      for (const policy of ["remote-main", "counters", "software-counters"]) {
        const r = await run({ workload: w.name, size: "tiny", policy, preset: "markatos96", ...limit });
        assert.ok(r.verified, `${w.name} ${policy} ${r.config.localPages} pages`);
        results.set(policy, r);
      }
      const hw = results.get("counters")!;
      const sw = results.get("software-counters")!;
      assert.ok(hw.remoteAccesses > 0, `${w.name}: no remote access under counters`);
      assert.equal(sw.migrations, hw.migrations, `${w.name}: migrations differ`);
      assert.equal(sw.remoteAccesses, hw.remoteAccesses, `${w.name}: remote accesses differ`);
      assert.equal(sw.pageFaults, hw.pageFaults);
      assert.ok(sw.modelledCycles > hw.modelledCycles, "software remote accesses cost more");
      assert.equal(results.get("remote-main")!.migrations, 0, "remote-main moved a page");
    }
  });
}

test("a counter of 1 migrates a page at its first remote access, and a huge counter never migrates", async () => {
  const eager = await run({ workload: "trans", size: "tiny", policy: "counters", localPages: 64, counter: 1 });
  const never = await run({ workload: "trans", size: "tiny", policy: "counters", localPages: 64, counter: 16_000_000 });
  assert.ok(eager.verified && never.verified);
  // trans makes no bulk memory operation, so every remote access is one load or store.
  assert.equal(eager.remoteAccesses, eager.migrations, "each remote access migrated its page");
  assert.equal(eager.counterInterrupts, eager.remoteAccesses, "each remote access's counter reached zero");
  assert.equal(never.migrations, 0);
  assert.equal(never.counterInterrupts, 0);
  assert.ok(never.remoteAccesses > 10 * eager.remoteAccesses);
});

test("a migration the host causes (a WASI call reading a remote page) is no counter interrupt", async () => {
  // sort as a WASI command with 4 local pages: the buffer printf hands to fd_write is on a remote
  // page; the host's read brings it local, and with a counter no program reaches, nothing else does.
  const file = fileURLToPath(new URL("../build/wasi/sort.wasm", import.meta.url));
  const direct = await run({ workload: "sort", n: 2000, policy: "local" });
  const r = await runCommand({ workload: file, policy: "counters", localPages: 4, counter: 16_000_000 }, { args: ["2000", "1"] });
  assert.equal(r.stdout, `${direct.checksum}\n`);
  assert.ok(r.remoteAccesses > 0);
  assert.equal(r.counterInterrupts, 0, "no counter reached zero");
  assert.equal(r.migrations, 1, "the host's read migrated the page it read");
});

test("a bulk operation on a remote page runs its counter down by one per 8 bytes, like the loads and stores it stands for", async () => {
  // Ten memory.fills of one whole 4 KiB page (512 accesses each), never touched before: under the
  // counter policies it starts on a server with counter 4; the first fill's fourth access reaches
  // zero and migrates it, the rest of that fill and the nine others are local.
  const file = watFile("fill", `(module (memory 2)
    (func (export "run") (param $n i32) (param $seed i32) (result i32) (local $i i32)
      (loop $l
        (memory.fill (i32.const 65536) (local.get $i) (i32.const 4096))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const 10))))
      (i32.load8_u (i32.const 66000))))`);
  for (const policy of ["counters", "software-counters"]) {
    const r = await run({ workload: file, n: 1, policy, localPages: 2, counter: 4 });
    assert.ok(r.verified, policy);
    assert.equal(r.checksum, 9);
    assert.equal(r.accesses, 10 * 512 + 1, policy);
    assert.deepEqual([r.remoteAccesses, r.counterInterrupts, r.migrations], [4, 1, 1], policy);
  }
});
