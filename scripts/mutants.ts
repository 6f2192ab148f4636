// The mutants of the core for scripts/mutate.ts: each a small, meaningful fault, written as a text
// replacement. `find` must occur exactly once in `file` (mutate.ts refuses the mutant otherwise):
// keep it short, but unique. When the code changes, update `find`, or delete a mutant whose code is
// gone. `why` says what the fault is, as a reader of the report needs it.
//
// Each mutant runs the test files of TESTS_BY_FILE[file] (or its own `tests`), in order, and stops
// at the first failure: put the fast test files that are likely to notice first. A mutant that
// survives pays for every file of its list, so the lists leave out the slow files: the browser
// tests (dashboard), the WASI/clang tests, transparency (every workload at size small: over ten
// minutes on a busy machine) and page-runs (its two instrumentations share the MMU, so a fault of
// the MMU changes both alike).

export interface Mutant {
  id: string;
  /** Relative to the repository's root. */
  file: string;
  find: string;
  replace: string;
  why: string;
  /** Test files to run instead of TESTS_BY_FILE[file]. */
  tests?: string[];
}

const PINNED = "test/pinned.test.ts";
const TEMPORARIES = "test/temporaries.test.ts";
const MMU = "test/mmu.test.ts";
const COUNTERS = "test/counters.test.ts";
const RAM_DISK = "test/ram-disk.test.ts";
const LINKS = "test/links.test.ts";
const DISKS = "test/disks.test.ts";
const SWAPFILE = "test/swapfile.test.ts";
// Test files added after e4f519f (with --tests-from e4f519f they are not there, and not used).
const RESIDENCY = "test/residency.test.ts";
const REPLACEMENT = "test/replacement.test.ts";
const ORACLES = "test/oracles.test.ts";
const FIGURES = "test/figures.test.ts";
const REPLAY = "test/replay.test.ts";
const REMOTE_SPILL = "test/remote-spill.test.ts";

/** For the remote policies' part of the MMU and the engine (counters.test.ts takes a minute). */
const REMOTE = [PINNED, ORACLES, FIGURES, COUNTERS, MMU];

/** The test files that can notice a fault in each core file, the fastest and likeliest first. */
export const TESTS_BY_FILE: Record<string, string[]> = {
  "assembly/mmu.ts": [PINNED, MMU, RESIDENCY, REPLACEMENT, ORACLES],
  "host/engine.ts": [PINNED, MMU, REPLAY, FIGURES, RESIDENCY, RAM_DISK],
  "host/policies/disk.ts": [PINNED, FIGURES, REPLAY, MMU],
  "host/policies/remote.ts": [PINNED, REMOTE_SPILL, ORACLES, COUNTERS, RAM_DISK],
  "host/policies/counters.ts": [PINNED, ORACLES, COUNTERS],
  "host/policies/software-counters.ts": [PINNED, ORACLES, COUNTERS],
  "host/policies/ram-disk.ts": [PINNED, FIGURES, RAM_DISK],
  "host/links/link.ts": [LINKS, PINNED, RAM_DISK],
  "host/disks/disk.ts": [DISKS, PINNED, REPLAY, MMU],
  "host/swap-device.ts": [SWAPFILE, PINNED, FIGURES, REPLAY, MMU],
  "host/memory-engine/memory-engine.ts": [PINNED, REPLAY, FIGURES, RAM_DISK, COUNTERS],
};

const ENGINE = "host/engine.ts";
const MMU_TS = "assembly/mmu.ts";
const LINK = "host/links/link.ts";
const DISK = "host/disks/disk.ts";
const SWAP = "host/swap-device.ts";
const MENGINE = "host/memory-engine/memory-engine.ts";
const PAGE_RUNS = "host/instrument/page-runs.ts";
const FAST_PATH = "host/instrument/fast-path.ts";
const CONTEXT = "host/instrument/context.ts";
const PAGE_RUNS_TEST = "test/page-runs.test.ts";
const WASI = "test/wasi.test.ts";

export const MUTANTS: Mutant[] = [
  // ---- host/engine.ts: the host's half of the fault path, the counts, the modelled clock ----
  { id: "engine-victim-never-written", file: ENGINE,
    find: "backing.pageOut(vpageOut, frame, outDirty !== 0, now)", replace: "backing.pageOut(vpageOut, frame, false, now)",
    why: "the write-back of a dirty victim is dropped (every victim passed on as clean)" },
  { id: "engine-clean-eviction-pageout", file: ENGINE,
    find: "if (written !== null) stats.pageOuts++;", replace: "stats.pageOuts++;",
    why: "a clean eviction (nothing written) is counted as a page-out" },
  { id: "engine-no-fault-handling-time", file: ENGINE,
    find: "+ config.faultHandlingMicros", replace: "",
    why: "a major fault is charged no fault handling time (the client's trap and paging code)" },
  { id: "engine-fault-ignores-writeback", file: ENGINE,
    find: "done = Math.max(done, written);", replace: "",
    why: "the fault does not wait for the victim's write-back to complete" },
  { id: "engine-first-touch-not-zeroed", file: ENGINE,
    find: "    } else {\n      frame.fill(0);", replace: "    } else {\n",
    why: "a never-touched page served by the host gets its frame's old bytes, not zeros" },
  { id: "engine-stall-overwritten", file: ENGINE,
    find: "stats.stallCycles += Math.round((done - now)", replace: "stats.stallCycles = Math.round((done - now)",
    why: "each fault's stall replaces the stalls so far instead of adding to them" },
  { id: "engine-latency-absolute", file: ENGINE,
    find: "faultLatencyMicros.push(done - now)", replace: "faultLatencyMicros.push(done)",
    why: "a fault's latency is reported as its completion time, not its duration" },
  { id: "engine-victim-remote-lost", file: ENGINE,
    find: "if (backing.remoteMapped?.(vpageOut)) victimRemote = 1;", replace: "",
    why: "a victim displaced to a memory server (COUNTERS) is not mapped remote: it faults back instead of being accessed in place", tests: REMOTE },
  { id: "engine-clock-remote-at-local-cost", file: ENGINE,
    find: "remote * remoteCycles + stats.stallCycles", replace: "remote * config.localAccessCycles + stats.stallCycles",
    why: "the modelled clock charges a remote access the local cost", tests: REMOTE },
  { id: "engine-clock-without-stalls", file: ENGINE,
    find: "remoteCycles + stats.stallCycles) / cyclesPerMicro", replace: "remoteCycles) / cyclesPerMicro",
    why: "the modelled clock forgets the stalls: transfers are issued as if no fault had waited" },
  { id: "engine-zero-fills-uncounted", file: ENGINE,
    find: "stats.pageFaults += Number(", replace: "stats.pageFaults += 0 * Number(",
    why: "faults on never-touched pages served in the MMU are not counted" },
  { id: "engine-remote-store-as-load", file: ENGINE,
    find: "isStore !== 0, phys, paddr", replace: "false, phys, paddr",
    why: "a remote store is performed as a load (the server's copy is never written)", tests: REMOTE },

  // ---- assembly/mmu.ts: translation, replacement, the MMU's half of the fault path ----
  { id: "mmu-victim-clean", file: MMU_TS,
    find: "victimDirty = (oldPte & PTE_DIRTY) ? 1 : 0;", replace: "victimDirty = 0;",
    why: "a dirty victim is handed to the host as clean: its write-back is dropped" },
  { id: "mmu-victim-always-dirty", file: MMU_TS,
    find: "(oldPte & PTE_DIRTY) ? 1 : 0", replace: "(oldPte & PTE_DIRTY) ? 1 : 1",
    why: "a clean victim is written back as if dirty (a clean eviction counted as a page-out)" },
  { id: "mmu-store-not-dirty", file: MMU_TS,
    find: "if (isStore && !(pte & PTE_DIRTY)) setPte(vpage, pte | PTE_DIRTY);", replace: "",
    why: "a store through the slow path does not mark the page dirty" },
  { id: "mmu-tlb-not-invalidated", file: MMU_TS,
    find: "invalidateEntries(frame);", replace: "",
    why: "the TLB entries of an evicted frame are not invalidated (stale translations)" },
  { id: "mmu-tlb-store-base-kept", file: MMU_TS,
    find: "      store<u32>(entry, NO_FRAME, 16);\n      store<u32>(entry, TLB_INVALID, TLB_WBASE_OFFSET);",
    replace: "      store<u32>(entry, NO_FRAME, 16);",
    why: "invalidating an evicted frame's TLB entry keeps its store base: stores still hit the old frame" },
  { id: "mmu-tlb-load-entry-stores", file: MMU_TS,
    find: "isStore || (pte & PTE_DIRTY) ? vpage << pageShift : TLB_INVALID", replace: "vpage << pageShift",
    why: "a TLB entry filled by a load of a clean page lets stores through (the page is never marked dirty)" },
  { id: "mmu-lru-stale-root", file: MMU_TS,
    find: "if (t == load<u64>(frameKeyBase + (f << 3))) {", replace: "if (true) {",
    why: "LRU takes the heap's root without raising its stale key: the page loaded longest ago goes (FIFO), not the least recently used" },
  { id: "mmu-no-frame-slot-missing", file: MMU_TS,
    find: "const nTouch = alignUp(nVpage + newFrameCap * 4, 8) + 8;", replace: "const nTouch = alignUp(nVpage + newFrameCap * 4, 8);",
    why: "no slot before the touch table for an empty entry's fold: a refill of an empty entry writes over the frames' page numbers" },
  { id: "mmu-lru-hits-not-folded", file: MMU_TS,
    find: "if (lastAt > load<u64>(touch)) store<u64>(touch, lastAt);", replace: "",
    why: "TLB hits are not folded into a frame's last use: LRU sees only slow-path uses" },
  { id: "mmu-slow-use-not-stamped", file: MMU_TS,
    find: "store<u64>(frameTouchBase + (frame << 3), now);\n  const base", replace: "const base",
    why: "a slow-path access does not record the frame's use" },
  { id: "mmu-clock-no-second-chance", file: MMU_TS,
    find: "(cleared)) store<u64>(cleared, now);", replace: "(cleared) && false) store<u64>(cleared, now);",
    why: "CLOCK gives no second chance: it evicts the frame under the hand, used or not (FIFO)" },
  { id: "mmu-clock-new-page-unreferenced", file: MMU_TS,
    find: "used ? now - 1 : now);", replace: "now);",
    why: "CLOCK: a page just brought in has its reference bit clear" },
  { id: "mmu-random-skips-last-frame", file: MMU_TS,
    find: "return x % framesUsed;", replace: "return x % (framesUsed - 1);",
    why: "random replacement never picks the last frame" },
  { id: "mmu-one-frame-too-many", file: MMU_TS,
    find: "if (framesUsed < localPages) {", replace: "if (framesUsed <= localPages) {",
    why: "the frame pool holds one page more than local memory" },
  { id: "mmu-zero-fill-not-zeroed", file: MMU_TS,
    find: "memory.fill(frameAddr(frame), 0, pageSize);", replace: "",
    why: "a fault on a never-touched page served in the MMU does not zero its frame" },
  { id: "mmu-zero-fill-uncounted", file: MMU_TS,
    find: "store<u64>(ADDR_ZERO_FILLS, load<u64>(ADDR_ZERO_FILLS) + 1);", replace: "",
    why: "a fault served in the MMU (zero fill) is not counted" },
  { id: "mmu-zero-fill-over-victim", file: MMU_TS,
    find: "if (zeroFillsHere && victimVpage < 0 &&", replace: "if (zeroFillsHere &&",
    why: "a never-touched page is zero-filled in the MMU also when a victim was evicted: the victim is never written back" },
  { id: "mmu-counter-off-by-one", file: MMU_TS,
    find: "counter = pte >> 8;", replace: "counter = (pte >> 8) - 1;",
    why: "the hardware counter interrupts one access early (off by one in reading it)", tests: REMOTE },
  { id: "mmu-remote-uncounted", file: MMU_TS,
    find: "store<u64>(ADDR_REMOTE_ACCESSES, load<u64>(ADDR_REMOTE_ACCESSES) + accesses);", replace: "",
    why: "remote accesses are not counted (charged at the local cost)", tests: REMOTE },
  { id: "mmu-displaced-counter-stale", file: MMU_TS,
    find: "setPte(<u32>victimVpage, remotePte(counterInitial));", replace: "setPte(<u32>victimVpage, remotePte(1));",
    why: "a page displaced to a server does not get a fresh counter: it migrates back at its next access", tests: REMOTE },
  { id: "mmu-remote-main-one-frame-early", file: MMU_TS,
    find: "framesUsed >= localPages)", replace: "framesUsed + 1 >= localPages)",
    why: "REMOTE_MAIN places new pages remote one frame before local memory is full", tests: REMOTE },
  { id: "mmu-software-counter-ignored", file: MMU_TS,
    find: "counter = hostSoftwareCounter(", replace: "hostSoftwareCounter(",
    why: "SOFTWARE_COUNTERS: the host's counter reaching zero does not migrate the page", tests: REMOTE },
  { id: "mmu-remote-load-not-fetched", file: MMU_TS,
    find: "if (!isStore) hostRemoteAccess(vaddr, size, 0, ADDR_SCRATCH);", replace: "",
    why: "a remote load is not fetched from the server (it reads stale scratch bytes)", tests: REMOTE },
  { id: "mmu-straddle-last-byte", file: MMU_TS,
    find: "for (let i: u32 = 0; i < size; i++) store<u8>(ADDR_SCRATCH + i, loadByte(vaddr + i));",
    replace: "for (let i: u32 = 0; i < size - 1; i++) store<u8>(ADDR_SCRATCH + i, loadByte(vaddr + i));",
    why: "a load that straddles two pages misses its last byte" },
  { id: "mmu-bounds-first-byte", file: MMU_TS,
    find: "if (<u64>vaddr + <u64>size > (<u64>virtualWasmPages << 16))", replace: "if (<u64>vaddr + 1 > (<u64>virtualWasmPages << 16))",
    why: "the bounds check tests only an access's first byte" },
  { id: "mmu-bulk-words-floor", file: MMU_TS,
    find: "return (bytes + 7) >> 3;", replace: "return bytes >> 3;",
    why: "bulk memory rounds its word count down (a short fill or copy counts no access)" },
  { id: "mmu-copy-always-forward", file: MMU_TS,
    find: "const backwards = dst > src && dst - src < len;", replace: "const backwards = false;",
    why: "memory.copy with overlapping ranges, dst above src, copies forward (not memmove)" },

  // ---- policies ----
  { id: "disk-clean-written", file: "host/policies/disk.ts",
    find: "(dirty ? transfers.pageOut(vpage, bytes, now) : null)", replace: "transfers.pageOut(vpage, bytes, now)",
    why: "DISK writes a clean page back again (a clean eviction counted as a page-out)" },
  { id: "disk-reads-report-writes", file: "host/policies/disk.ts",
    find: "stats.diskReads = swap.diskReads;", replace: "stats.diskReads = swap.diskWrites;",
    why: "DISK reports its disk writes as its disk reads" },
  { id: "remote-clean-never-stored", file: "host/policies/remote.ts",
    find: "dirty || !swap.has(vpage) ? swap.write", replace: "dirty ? swap.write",
    why: "REMOTE_MAIN: a clean page displaced to disk for the first time is not written (the swap has no copy)" },
  { id: "remote-interrupt-free", file: "host/policies/remote.ts",
    find: "now + interruptMicros", replace: "now",
    why: "the counter's interrupt costs nothing before a migration" },
  { id: "remote-sw-counter-off-by-one", file: "host/policies/remote.ts",
    find: "return before;", replace: "return before + 1;",
    why: "SOFTWARE_COUNTERS' counter reaches zero one access late" },
  { id: "remote-place-over-swapped", file: "host/policies/remote.ts",
    find: "if (swap.has(vpage) || !engine.placeZero(vpage))", replace: "if (!engine.placeZero(vpage))",
    why: "a page whose bytes are on disk may be placed on a server as a zero page (its bytes lost)" },
  { id: "remote-access-page-offset", file: "host/policies/remote.ts",
    find: "* size + (vaddr & (size - 1));", replace: "* size;",
    why: "a one-sided access ignores its offset in the page" },
  { id: "software-counters-hardware-cost", file: "host/policies/software-counters.ts",
    find: "remoteAccessCycles: (config) => config.softwareRemoteAccessCycles,", replace: "remoteAccessCycles: (config) => config.remoteAccessCycles,",
    why: "SOFTWARE_COUNTERS charges a remote access the hardware cost" },
  { id: "counters-displace-to-disk", file: "host/policies/counters.ts",
    find: "displaceTo: \"remote\"", replace: "displaceTo: \"disk\"",
    why: "COUNTERS sends the displaced local page to disk, not to remote memory" },
  { id: "ram-disk-clean-dropped", file: "host/policies/ram-disk.ts",
    find: "(vpage, bytes, _dirty, now) => transfers.pageOut(vpage, bytes, now)", replace: "(vpage, bytes, _dirty, now) => (_dirty ? transfers.pageOut(vpage, bytes, now) : null)",
    why: "RAM_DISK does not send a clean page back, though its page-in took it off the server" },

  // ---- link and disk models, the swap device, the memory engine ----
  { id: "link-no-protocol-cost", file: LINK,
    find: "Math.max(nowMicros + this.link.protocolMicros, ", replace: "Math.max(nowMicros, ",
    why: "a hop forgets the sender's protocol cost" },
  { id: "link-no-latency", file: LINK,
    find: "return this.busyUntil + this.link.latencyMicros;", replace: "return this.busyUntil;",
    why: "a hop forgets its latency" },
  { id: "link-no-queueing", file: LINK,
    find: "Math.max(nowMicros + this.link.protocolMicros, this.busyUntil)", replace: "nowMicros + this.link.protocolMicros",
    why: "messages on one pipe do not queue behind each other" },
  { id: "disk-sequential-pays-seek", file: DISK,
    find: "return sequential ? transferMicros :", replace: "return false ? transferMicros :",
    why: "a sequential request pays seek and rotation" },
  { id: "disk-no-queueing", file: DISK,
    find: "const start = Math.max(nowMicros, this.busyUntil);", replace: "const start = nowMicros;",
    why: "requests do not queue on the single arm" },
  { id: "disk-arm-ends-on-first-block", file: DISK,
    find: "this.lastBlock = block + blocks - 1;", replace: "this.lastBlock = block;",
    why: "a multi-block request leaves the head on its first block, not its last" },
  { id: "swap-cache-read-pays-disk", file: SWAP,
    find: "if (at >= 0) return now;", replace: "",
    why: "a page still in the swap cache (its clustered write pending) is read from the disk" },
  { id: "swap-cluster-of-one", file: SWAP,
    find: "if (this.pending.length >= SWAP_CLUSTER) {", replace: "if (this.pending.length >= 1) {",
    why: "write-backs are not clustered: each is its own disk request" },
  { id: "swap-writes-miscounted", file: SWAP,
    find: "this.diskWrites += this.pending.length;", replace: "this.diskWrites += 1;",
    why: "a clustered write counts as one disk write, not one per page" },
  { id: "engine-no-request-hop", file: MENGINE,
    find: "const atEngine = viaEngine ? this.clientToEngine.send(now, REQUEST_BYTES) : now;", replace: "const atEngine = now;",
    why: "a page-in's request from the client to the memory engine costs nothing" },
  { id: "engine-direct-reply-swapped", file: MENGINE,
    find: "this.options.reply === \"direct\"", replace: "this.options.reply !== \"direct\"",
    why: "--reply direct and via-engine are swapped" },
  { id: "engine-network-bytes-no-request", file: MENGINE,
    find: "this.networkBytes += REQUEST_BYTES + page;", replace: "this.networkBytes += page;",
    why: "a page-in's request is not counted in the network bytes" },

  // ---- host/instrument/: walked accesses in page runs, the refill helper, the counts at calls ----
  { id: "walked-store-clean-page", file: PAGE_RUNS, tests: [PAGE_RUNS_TEST],
    find: "access.bytes, access.kind === \"st\", ea, bail));", replace: "access.bytes, false, ea, bail));",
    why: "a walked store writes a clean page unchecked, which then never counts as dirty" },
  { id: "walked-clock-stands-still", file: PAGE_RUNS, tests: [PAGE_RUNS_TEST],
    find: "module.i64.add(lget(runClk, i64), module.i64.const(BigInt(m) as unknown as number))", replace: "lget(runClk, i64)",
    why: "unchecked iterations with walked accesses stamp every frame with the clock of the first" },
  { id: "walked-stamp-late", file: PAGE_RUNS, tests: [PAGE_RUNS_TEST],
    find: "BigInt(run.walkedAt[w] + 1)", replace: "BigInt(run.walkedAt[w] + 3)",
    why: "a walked access stamps its frame with a clock two accesses later than its own" },
  { id: "walked-bail-counts-unrun", file: PAGE_RUNS, tests: [PAGE_RUNS_TEST],
    find: "module.local.set(rem, module.i32.sub(g(rem), g(budget))),", replace: "module.nop(),",
    why: "giving way to a checked iteration counts the unchecked iterations that did not run" },
  { id: "page-run-stop-goes-on", file: PAGE_RUNS, tests: [PAGE_RUNS_TEST],
    find: "module.br(spent)]), module.local.set(more, c32(0))]", replace: "module.br(spent)]), module.local.set(more, c32(1))]",
    why: "a do-while page run whose condition failed in an unchecked iteration goes on with a checked one" },
  { id: "walk-straddle-one-byte-late", file: FAST_PATH, tests: [PAGE_RUNS_TEST, MMU, ORACLES],
    find: "c32(pageSize - bytes))));", replace: "c32(pageSize - bytes + 1))));",
    why: "the page walk of a miss lets through an access whose last byte is on the next page" },
  { id: "walk-load-ignores-present", file: FAST_PATH, tests: [PINNED],
    find: ": module.i32.eqz(module.i32.and(g(PTE), c32(want)))),", replace: ": module.i32.const(0)),",
    why: "the page walk of a load's miss refills from a page that is not resident" },
  { id: "pointer-test-no-wrap-trap", file: FAST_PATH, tests: ["test/fuzz.test.ts"],
    find: "if (onPointer) miss = module.block(null, [wrapTrap(), ", replace: "if (onPointer) miss = module.block(null, [",
    why: "an access tested on its pointer does not trap when pointer + offset passes 2^32" },
  { id: "pointer-test-room-one-more", file: FAST_PATH, tests: ["test/fuzz.test.ts"],
    find: "hitAt(lget(ptrLocal, i32), pageSize - a.offset - a.bytes)", replace: "hitAt(lget(ptrLocal, i32), pageSize - a.offset - a.bytes + 1)",
    why: "the pointer's test lets through an access whose last byte is on the next page" },
  { id: "refill-fold-keeps-earlier", file: FAST_PATH, tests: [PINNED],
    find: "module.select(module.i64.gt_u(lget(HIT, i64), lget(USE, i64))", replace: "module.select(module.i64.lt_u(lget(HIT, i64), lget(USE, i64))",
    why: "a refill keeps the earlier of its entry's last hit and its old frame's last use: LRU sees stale uses" },
  { id: "refill-helper-stamp", file: FAST_PATH, tests: [PINNED],
    find: "clock: () => lget(CLK, i64), countMiss };", replace: "clock: () => module.i64.add(lget(CLK, i64), module.i64.const(5n as unknown as number)), countMiss };",
    why: "the refill helper (misses outside loops) stamps its entry five accesses late" },
  { id: "counts-only-at-return", file: CONTEXT, tests: [WASI],
    find: "beforeCall = () => [...this.leave(),", replace: "beforeCall = () => [...this.flush(),",
    why: "stores and TLB misses reach the run's counts only when a function returns (lost at exit())" },
  { id: "walk-table-last-use-ignored", file: MMU_TS, tests: ["test/direct.test.ts", "test/page-runs.test.ts"],
    find: "return walked > own ? walked : own;", replace: "return own;",
    why: "replacement ignores the last uses that walked and directly translated accesses stamp in the walk table" },
  { id: "walk-table-eviction-not-mirrored", file: MMU_TS, tests: ["test/direct.test.ts", "test/page-runs.test.ts"],
    find: "  setPte(old, PTE_SEEN);", replace: "  store<u32>(pteAddr(old), PTE_SEEN);",
    why: "an evicted page stays resident in the walk table's copy: walked accesses read the frame's new page" },
  { id: "walk-table-no-delta", file: MMU_TS, tests: ["test/direct.test.ts", "test/page-runs.test.ts"],
    find: "frameAddr(frame) - (vpage << pageShift), WALK_DELTA_OFFSET);", replace: "frameAddr(frame), WALK_DELTA_OFFSET);",
    why: "the walk table's delta is the frame's address, not less the page's: walked accesses read the wrong bytes" },
  { id: "temporaries-never-shared", file: "host/instrument/temporaries.ts", tests: [TEMPORARIES],
    find: "if (!always && own + temporaries <= SHARE_ABOVE) return null;", replace: "if (!always) return null;",
    why: "a huge function keeps a set of locals per access, past V8's 50,000" },
  { id: "temporaries-one-level", file: "host/instrument/temporaries.ts", tests: [TEMPORARIES],
    find: "level.set(e, below++);", replace: "level.set(e, 0), below++;",
    why: "an access shares its temporaries with the accesses in its operands, which overwrite them" },
];
