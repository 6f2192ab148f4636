// The emulated MMU: page table, a bounded pool of local frames, replacement, and the slow path of
// every access the instrumented workload makes. It shares one linear memory, the *physical*
// memory, with the workload (layout.ts draws the fixed part). The workload's own memory is
// *virtual*: it exists only as pages in local frames, or in the host's backing store.
//
// Fast path (inlined into the workload by host/instrument/): an access whose page is cached in
// its instruction's TLB entry goes straight to the frame. Everything else calls translate() here;
// a page that is not resident calls the host once (hostPageFault), which writes the victim back
// and fills the frame.
//
// Layout past the TLB, fixed at init():
//   [bounce: one page][frames ... grow up to localPages][tail]
// The tail holds the tables that grow with the virtual space and the frame pool; it moves up when
// either grows (growTail), so physical memory stays frames + small tables, however much virtual
// memory the workload touches.

import {
  ADDR_ACCESSES, ADDR_STORES, ADDR_PT_BASE, ADDR_TOUCH_BASE, ADDR_FRAMES_BASE, ADDR_VIRTUAL_BYTES, ADDR_ZERO_FILLS,
  ADDR_TLB_MISSES, TLB_WBASE_OFFSET, ADDR_REMOTE_ACCESSES, ADDR_COUNTER_INTERRUPTS, ADDR_SCRATCH, SCRATCH_BYTES, ADDR_TLB, TLB_ENTRY_BYTES, TLB_INVALID, NO_FRAME,
  ADDR_WALK_BASE, WALK_ENTRY_BYTES, WALK_ENTRY_SHIFT, WALK_DELTA_OFFSET, WALK_STAMP_OFFSET,
} from "./layout";

/** Host: make virtual page vpageIn resident in the frame at frameAddr; first write back vpageOut
 *  (if >= 0) from that frame when outDirty. The host adds the modelled cost. */
@external("host", "pageFault")
declare function hostPageFault(vpageIn: u32, frameAddr: u32, vpageOut: i32, outDirty: i32): i32;
// Returns 1 when the victim now lives on a memory server and stays mapped there (COUNTERS).

/** Host: give a page that was never touched a frame on a memory server; 1 if it did. */
@external("host", "placeRemote")
declare function hostPlaceRemote(vpage: u32): i32;

/** Host: a one-sided access of `size` bytes at vaddr to the server's copy of its page, to or from
 *  physical address `paddr` (the scratch area). */
@external("host", "remoteAccess")
declare function hostRemoteAccess(vaddr: u32, size: u32, isStore: u32, paddr: u32): void;

/** Host: SOFTWARE_COUNTERS keeps the counters in host code: runs vpage's counter down by
 *  `accesses` (to zero at most) and returns its value before. */
@external("host", "softwareCounter")
declare function hostSoftwareCounter(vpage: u32, accesses: u32): u32;

/** Host, prefetching only: the next page to bring in after a page fault, or -1 to stop. */
@external("host", "prefetchNext")
declare function hostPrefetchNext(): i32;

/** Host: bring vpage into the frame at frameAddr ahead of use (a prefetch), after writing back
 *  vpageOut (if >= 0) as hostPageFault does. The program does not wait for it. */
@external("host", "prefetchFill")
declare function hostPrefetchFill(vpage: u32, frameAddr: u32, vpageOut: i32, outDirty: i32): void;

/** Host: the program used prefetched page vpage for the first time (a minor fault): it waits
 *  for the page if it has not arrived yet. */
@external("host", "prefetchHit")
declare function hostPrefetchHit(vpage: u32): void;

/** Host: raise the out-of-bounds trap for a virtual access (never returns). */
@external("host", "outOfBounds")
declare function hostOutOfBounds(vaddr: u32, size: u32): void;

// Page table entry (u32), one per virtual page:
//   31                8 7        3    2        1       0
//   [ frame index     ][ unused  ][ remote ][ dirty ][ present ]
// A remote page (on a memory server, accessed in place) has no frame: bits 8-31 hold its
// reference counter instead (COUNTERS).
const PTE_PRESENT: u32 = 1;
const PTE_DIRTY: u32 = 2;
const PTE_REMOTE: u32 = 4;
/** Not present, but has had a frame: its bytes may be in the backing store. (A page table entry
 *  of 0 is a page never touched, unless a remote policy placed it.) */
const PTE_SEEN: u32 = 8;
/** Not present: brought into the frame in bits 8-31 by a prefetch and not used yet. Its first use
 *  is a minor fault that maps it (so the host sees every prefetch hit). */
const PTE_PREFETCHED: u32 = 16;

export const REMOTE_NONE: u32 = 0;      // paging policies: pages are local or gone
export const REMOTE_MAIN: u32 = 1;      // new pages go remote when local memory is full; never move
export const REMOTE_COUNTERS: u32 = 2;  // new pages go remote; a counter in the PTE migrates them
export const REMOTE_SOFTWARE: u32 = 3;  // the same, with the counter kept by the host
/** Passed as the TLB entry by callers that have none (memory.fill/copy, host accesses). */
const NO_ENTRY: u32 = 0;

export const REPLACEMENT_LRU: u32 = 0;
export const REPLACEMENT_CLOCK: u32 = 1;
export const REPLACEMENT_RANDOM: u32 = 2;

const WASM_PAGE: u32 = 65536;
/** The top wasm page of the 32-bit space stays unmapped: TLB_INVALID lives there. */
const MAX_VIRTUAL_WASM_PAGES: u32 = 65535;

let pageShift: u32 = 12;
let pageSize: u32 = 4096;
let pageMask: u32 = 4095;
let localPages: u32 = 0;
let replacement: u32 = REPLACEMENT_LRU;
let remoteMode: u32 = REMOTE_NONE;
let counterInitial: u32 = 256;
let randomState: u32 = 1;
/** The host prefetches after each page fault it serves (DISK, RAM_DISK with --prefetch). */
let prefetching: bool = false;

let tlbEntries: u32 = 0;
/** Faults on never-touched pages served here, not by the host (unless it wants to see each). */
let zeroFillsHere: bool = false;
let bounceBase: u32 = 0;
let framesBase: u32 = 0;

let virtualWasmPages: u32 = 0;
let virtualMaxWasmPages: u32 = 0;
let framesUsed: u32 = 0;
let clockHand: u32 = 0;

// The tail: arrays that grow. Capacities in elements; bases in bytes.
let tailBase: u32 = 0;
let ptCap: u32 = 0;           // page table entries (virtual pages)
let frameCap: u32 = 0;        // per-frame arrays
let ptBase: u32 = 0;          // u32 PTE per virtual page
let walkBase: u32 = 0;        // 16 B per virtual page for walked accesses (layout.ts): PTE, delta, last use
let frameVpageBase: u32 = 0;  // u32 virtual page held by each frame
let frameTouchBase: u32 = 0;  // u64 access clock at the frame's last slow-path use
let frameKeyBase: u32 = 0;    // u64 LRU heap key: a lower bound of the frame's last use
let heapBase: u32 = 0;        // u32 frame indices, a min-heap on frameKey (LRU)
let frameRefClearedBase: u32 = 0; // u64 clock when CLOCK last cleared the frame's reference bit

/** Sets up the fixed layout. Returns the physical bytes needed before any page is touched. */
export function init(
  shift: u32, frames: u32, sites: u32, initialWasmPages: u32, maxWasmPages: u32,
  policy: u32, seed: u32, remote: u32, counter: u32, zeroFills: bool,
): u32 {
  zeroFillsHere = zeroFills;
  remoteMode = remote;
  counterInitial = counter;
  pageShift = shift;
  pageSize = <u32>1 << shift;
  pageMask = pageSize - 1;
  localPages = frames;
  replacement = policy;
  randomState = seed | 1;
  tlbEntries = sites;
  virtualMaxWasmPages = min(maxWasmPages, MAX_VIRTUAL_WASM_PAGES);
  virtualWasmPages = initialWasmPages;
  framesUsed = 0;
  clockHand = 0;
  prefetching = false;

  bounceBase = alignUp(ADDR_TLB + sites * TLB_ENTRY_BYTES, pageSize);
  framesBase = bounceBase + pageSize;
  ensurePhysical(framesBase);
  for (let e: u32 = 0; e < sites; e++) {
    const entry = ADDR_TLB + e * TLB_ENTRY_BYTES;
    store<u32>(entry, TLB_INVALID);
    store<u32>(entry, 0, 4);
    store<u64>(entry, 0, 8);
    store<u32>(entry, NO_FRAME, 16);
    store<u32>(entry, TLB_INVALID, TLB_WBASE_OFFSET);
  }
  store<u64>(ADDR_ACCESSES, 0);
  store<u64>(ADDR_STORES, 0);
  store<u64>(ADDR_TLB_MISSES, 0);
  store<u64>(ADDR_REMOTE_ACCESSES, 0);
  store<u64>(ADDR_ZERO_FILLS, 0);
  store<u64>(ADDR_COUNTER_INTERRUPTS, 0);
  store<u32>(ADDR_FRAMES_BASE, framesBase);
  store<u32>(ADDR_VIRTUAL_BYTES, virtualWasmPages << 16);
  tailBase = framesBase;
  ptCap = 0;
  frameCap = 0;
  growTail(virtualPages(), min(localPages, 16));
  return memory.size() << 16;
}

function alignUp(x: u32, to: u32): u32 {
  return (x + to - 1) & ~(to - 1);
}

function virtualPages(): u32 {
  return (virtualWasmPages << 16) >> pageShift;
}

function ensurePhysical(bytes: u32): void {
  const have = <u32>memory.size();
  const need = (bytes + WASM_PAGE - 1) >> 16;
  if (need > have && memory.grow(need - have) < 0) unreachable();
}

/** Moves the tail up so it holds ptNeed page-table entries and frameNeed frames' tables. */
function growTail(ptNeed: u32, frameNeed: u32): void {
  const newPtCap = ptNeed > ptCap ? max(ptNeed, ptCap * 2) : ptCap;
  const newFrameCap = frameNeed > frameCap ? min(max(frameNeed, frameCap * 2), localPages) : frameCap;
  const newTail = max(tailBase, framesBase + newFrameCap * pageSize);
  // New offsets; arrays keep their order, each only moves up, so moving the last one first is safe.
  const nPt = newTail;
  const nWalk = alignUp(nPt + newPtCap * 4, 16);
  const nVpage = nWalk + newPtCap * WALK_ENTRY_BYTES;
  // 8 bytes before the touch table: the last use of NO_FRAME, which wraps to it (touchBase +
  // (NO_FRAME << 3)), so the workload's refill folds an empty entry's stamp without a branch.
  const nTouch = alignUp(nVpage + newFrameCap * 4, 8) + 8;
  const nKey = nTouch + newFrameCap * 8;
  const nCleared = nKey + newFrameCap * 8;
  const nHeap = nCleared + newFrameCap * 8;
  ensurePhysical(nHeap + newFrameCap * 4);
  if (frameCap > 0) {
    memory.copy(nHeap, heapBase, frameCap * 4);
    memory.copy(nCleared, frameRefClearedBase, frameCap * 8);
    memory.copy(nKey, frameKeyBase, frameCap * 8);
    memory.copy(nTouch, frameTouchBase, frameCap * 8);
    memory.copy(nVpage, frameVpageBase, frameCap * 4);
  }
  if (ptCap > 0) {
    memory.copy(nWalk, walkBase, ptCap * WALK_ENTRY_BYTES);
    memory.copy(nPt, ptBase, ptCap * 4);
  }
  memory.fill(nWalk + ptCap * WALK_ENTRY_BYTES, 0, (newPtCap - ptCap) * WALK_ENTRY_BYTES);
  memory.fill(nPt + ptCap * 4, 0, (newPtCap - ptCap) * 4);
  tailBase = newTail;
  ptBase = nPt;
  walkBase = nWalk;
  frameVpageBase = nVpage;
  frameTouchBase = nTouch;
  frameKeyBase = nKey;
  frameRefClearedBase = nCleared;
  heapBase = nHeap;
  ptCap = newPtCap;
  frameCap = newFrameCap;
  store<u32>(ADDR_PT_BASE, ptBase);
  store<u32>(ADDR_WALK_BASE, walkBase);
  store<u32>(ADDR_TOUCH_BASE, frameTouchBase);
}

// ---- memory.size / memory.grow of the virtual memory ----

export function memorySize(): u32 {
  return virtualWasmPages;
}

export function memoryGrow(delta: u32): i32 {
  const old = virtualWasmPages;
  if (<u64>old + <u64>delta > <u64>virtualMaxWasmPages) return -1;
  virtualWasmPages = old + delta;
  store<u32>(ADDR_VIRTUAL_BYTES, virtualWasmPages << 16);
  if (virtualPages() > ptCap) growTail(virtualPages(), frameCap);
  return <i32>old;
}

// ---- translation ----

@inline function pteAddr(vpage: u32): u32 {
  return ptBase + (vpage << 2);
}
@inline function walkAddr(vpage: u32): u32 {
  return walkBase + (vpage << WALK_ENTRY_SHIFT);
}
/** Every change to a page table entry is made to its copy in the walk table too. */
@inline function setPte(vpage: u32, pte: u32): void {
  store<u32>(pteAddr(vpage), pte);
  store<u32>(walkAddr(vpage), pte);
}
/** A frame's last use: its own stamp, or its page's in the walk table (walked accesses). */
@inline function lastUse(frame: u32): i64 {
  const own = load<i64>(frameTouchBase + (frame << 3));
  const walked = load<i64>(walkAddr(load<u32>(frameVpageBase + (frame << 2))), WALK_STAMP_OFFSET);
  return walked > own ? walked : own;
}

@inline function frameAddr(frame: u32): u32 {
  return framesBase + (frame << pageShift);
}

function checkBounds(vaddr: u32, size: u32): void {
  if (<u64>vaddr + <u64>size > (<u64>virtualWasmPages << 16)) hostOutOfBounds(vaddr, size);
}

/** The slow path of one access of `size` bytes at vaddr from TLB entry `entry` (an index).
 *  Returns the physical address to access: the frame, or the scratch area for an access that
 *  straddles two pages (loads: gathered there; stores: the caller then calls commitScratch). */
export function translate(vaddr: u32, size: u32, isStore: u32, entry: u32): u32 {
  checkBounds(vaddr, size);
  if ((vaddr & pageMask) + size > pageSize) {
    if (!isStore) {
      for (let i: u32 = 0; i < size; i++) store<u8>(ADDR_SCRATCH + i, loadByte(vaddr + i));
    }
    return ADDR_SCRATCH;
  }
  if (remoteUse(vaddr >> pageShift, 1)) {
    // A one-sided access to the server's copy: loads land in the scratch area; a store is
    // written there by the workload and sent on by commitScratch.
    if (!isStore) hostRemoteAccess(vaddr, size, 0, ADDR_SCRATCH);
    return ADDR_SCRATCH;
  }
  return pagePhysical(vaddr, isStore != 0, entry);
}

@inline function remotePte(counter: u32): u32 {
  return (counter << 8) | PTE_REMOTE;
}

/** The remote policies' part of every access to vpage: a never-touched page gets its place (on a
 *  memory server when the policy wants it there), and an access to a remote page counts as
 *  `accesses` remote accesses (a bulk operation's chunk: one per 8 bytes) and runs the page's
 *  counter down by as many. True when the access is to be made remotely; false for a local page,
 *  or for a remote page whose counter reached zero (the interrupt: pagePhysical then migrates it,
 *  and the accesses after the one that reached zero are local). Parts of an access that straddles
 *  two pages pass accesses = 0: the access was counted once, as local. */
function remoteUse(vpage: u32, accesses: u32): bool {
  if (remoteMode == REMOTE_NONE) return false;
  let pte = load<u32>(pteAddr(vpage));
  if ((pte & ~PTE_SEEN) == 0 && (remoteMode != REMOTE_MAIN || framesUsed >= localPages) && hostPlaceRemote(vpage)) {
    pte = remotePte(counterInitial);
    setPte(vpage, pte);
  }
  if (!(pte & PTE_REMOTE)) return false;
  if (accesses == 0) return true;
  let counter: u32 = 0xffffffff; // REMOTE_MAIN: no counter
  if (remoteMode == REMOTE_COUNTERS) {
    counter = pte >> 8;
    if (accesses < counter) setPte(vpage, remotePte(counter - accesses));
  } else if (remoteMode == REMOTE_SOFTWARE) {
    counter = hostSoftwareCounter(vpage, accesses);
  }
  if (accesses >= counter) {
    store<u64>(ADDR_REMOTE_ACCESSES, load<u64>(ADDR_REMOTE_ACCESSES) + counter);
    return counterInterrupt();
  }
  store<u64>(ADDR_REMOTE_ACCESSES, load<u64>(ADDR_REMOTE_ACCESSES) + accesses);
  return true;
}

/** A counter reached zero: the interrupt is counted here, where it happens, and the access then
 *  migrates the page (remoteUse returns false). */
function counterInterrupt(): bool {
  store<u64>(ADDR_COUNTER_INTERRUPTS, load<u64>(ADDR_COUNTER_INTERRUPTS) + 1);
  return false;
}

/** One byte of an access that straddles two pages, wherever its page lives. */
function loadByte(vaddr: u32): u8 {
  if (remoteUse(vaddr >> pageShift, 0)) {
    hostRemoteAccess(vaddr, 1, 0, ADDR_SCRATCH + SCRATCH_BYTES);
    return load<u8>(ADDR_SCRATCH + SCRATCH_BYTES);
  }
  return load<u8>(pagePhysical(vaddr, false, NO_ENTRY));
}

function storeByte(vaddr: u32, value: u8): void {
  if (remoteUse(vaddr >> pageShift, 0)) {
    store<u8>(ADDR_SCRATCH + SCRATCH_BYTES, value);
    hostRemoteAccess(vaddr, 1, 1, ADDR_SCRATCH + SCRATCH_BYTES);
  } else {
    store<u8>(pagePhysical(vaddr, true, NO_ENTRY), value);
  }
}

/** Sends a store from the scratch area to its place: the server's copy of a remote page, or,
 *  for an access that straddles two pages, each byte to its page. */
export function commitScratch(vaddr: u32, size: u32): void {
  if ((vaddr & pageMask) + size <= pageSize && load<u32>(pteAddr(vaddr >> pageShift)) & PTE_REMOTE) {
    hostRemoteAccess(vaddr, size, 1, ADDR_SCRATCH);
    return;
  }
  for (let i: u32 = 0; i < size; i++) storeByte(vaddr + i, load<u8>(ADDR_SCRATCH + i));
}

/** Makes vaddr's page resident, records the use, fills TLB entry `entry` (unless NO_ENTRY: the
 *  workload's entries start at index 1) and returns the physical address of vaddr.
 *  host/instrument/fast-path.ts inlines a copy of the resident-page case into the workload (its refill
 *  path, which leaves the frame's last-use time to the entry's stamp); a change here must be made
 *  there too. */
function pagePhysical(vaddr: u32, isStore: bool, entry: u32): u32 {
  const vpage = vaddr >> pageShift;
  const now = load<u64>(ADDR_ACCESSES);
  let pte = load<u32>(pteAddr(vpage));
  if (!(pte & PTE_PRESENT)) pte = pageIn(vpage); // also migrates a remote page local
  const frame = pte >> 8;
  if (isStore && !(pte & PTE_DIRTY)) setPte(vpage, pte | PTE_DIRTY);
  store<u64>(frameTouchBase + (frame << 3), now);
  const base = frameAddr(frame);
  if (entry != NO_ENTRY) {
    const e = ADDR_TLB + entry * TLB_ENTRY_BYTES;
    const old = load<u32>(e, 16);
    if (old != NO_FRAME) foldEntry(old, load<u64>(e, 8));
    store<u32>(e, vpage << pageShift);
    store<u32>(e, base - (vpage << pageShift), 4);
    store<u64>(e, now, 8);
    store<u32>(e, frame, 16);
    store<u32>(e, isStore || (pte & PTE_DIRTY) ? vpage << pageShift : TLB_INVALID, TLB_WBASE_OFFSET);
  }
  return base + (vaddr & pageMask);
}

/** A TLB entry's hits are uses of its frame: fold its last hit into the frame's last use. */
@inline function foldEntry(frame: u32, lastAt: u64): void {
  const touch = frameTouchBase + (frame << 3);
  if (lastAt > load<u64>(touch)) store<u64>(touch, lastAt);
}

/** Turns prefetching after page faults on (the host's prefetchNext chooses the pages). */
export function setPrefetching(on: u32): void {
  prefetching = on != 0;
}

// The victim of the last takeFrame, or -1 for a free frame; and whether it was dirty.
let victimVpage: i32 = -1;
let victimDirty: i32 = 0;

/** A frame for a new page: a free one, else a victim chosen by the replacement policy, unmapped
 *  here (victimVpage and victimDirty say which page the host must write back). A victim equal to
 *  `keep` (a frame the caller must not lose) is left mapped and NO_FRAME returned. */
function takeFrame(keep: u32): u32 {
  victimVpage = -1;
  victimDirty = 0;
  if (framesUsed < localPages) {
    const frame = framesUsed++;
    if (framesUsed > frameCap) growTail(ptCap, framesUsed);
    ensurePhysical(frameAddr(frame) + pageSize);
    if (replacement == REPLACEMENT_LRU) heapPush(frame, load<u64>(ADDR_ACCESSES));
    return frame;
  }
  const frame = chooseVictim();
  if (frame == keep) return NO_FRAME;
  const old = load<u32>(frameVpageBase + (frame << 2));
  const oldPte = load<u32>(pteAddr(old));
  victimVpage = <i32>old;
  victimDirty = (oldPte & PTE_DIRTY) ? 1 : 0;
  setPte(old, PTE_SEEN);
  invalidateEntries(frame);
  return frame;
}

/** Records that `frame` holds vpage since now, used (CLOCK's reference bit set) or not (a
 *  prefetched page, which earns no second chance before its first use); its page table entry is
 *  `pte`. */
function holdPage(frame: u32, vpage: u32, pte: u32, used: bool = true): void {
  store<u32>(frameVpageBase + (frame << 2), vpage);
  const now = load<u64>(ADDR_ACCESSES);
  store<u64>(frameTouchBase + (frame << 3), now);
  store<u64>(frameRefClearedBase + (frame << 3), used ? now - 1 : now);
  setPte(vpage, pte);
  store<u32>(walkAddr(vpage), frameAddr(frame) - (vpage << pageShift), WALK_DELTA_OFFSET);
}

/** Page fault: find a frame (free, else a victim), ask the host to fill it, map it. */
function pageIn(vpage: u32): u32 {
  const before = load<u32>(pteAddr(vpage));
  if (before & PTE_PREFETCHED) {
    // A minor fault: the page is already in its frame.
    hostPrefetchHit(vpage);
    const pte = (before & ~PTE_PREFETCHED) | PTE_PRESENT;
    holdPage(before >> 8, vpage, pte);
    return pte;
  }
  const frame = takeFrame(NO_FRAME);
  let served = false;
  if (zeroFillsHere && victimVpage < 0 && before == 0) {
    // A page never touched, into a free frame: no store holds it, nothing is written back, so
    // the host would only zero the frame (free, in modelled time) and count the fault.
    memory.fill(frameAddr(frame), 0, pageSize);
    store<u64>(ADDR_ZERO_FILLS, load<u64>(ADDR_ZERO_FILLS) + 1);
  } else {
    served = true;
    if (hostPageFault(vpage, frameAddr(frame), victimVpage, victimDirty) && victimVpage >= 0) {
      setPte(<u32>victimVpage, remotePte(counterInitial));
    }
  }
  const pte = (frame << 8) | PTE_PRESENT;
  holdPage(frame, vpage, pte);
  if (prefetching && served) prefetchAfter(frame);
  return pte;
}

/** Brings in the pages the host asks for after a fault into `faulted`'s frame, each into a frame
 *  of its own: never `faulted`'s (the page the program is waiting for), and at most half of the
 *  local frames per fault, so that reading ahead cannot flush the pages in use. Only pages the
 *  backing store may hold qualify: seen before, not resident, not already prefetched. */
function prefetchAfter(faulted: u32): void {
  for (let budget = localPages >> 1; budget > 0; budget--) {
    const next = hostPrefetchNext();
    if (next < 0) return;
    const vpage = <u32>next;
    if (vpage >= virtualPages() || load<u32>(pteAddr(vpage)) != PTE_SEEN) continue;
    const frame = takeFrame(faulted);
    if (frame == NO_FRAME) return;
    hostPrefetchFill(vpage, frameAddr(frame), victimVpage, victimDirty);
    holdPage(frame, vpage, (frame << 8) | PTE_PREFETCHED, false);
  }
}

function invalidateEntries(frame: u32): void {
  for (let e: u32 = 1; e < tlbEntries; e++) {
    const entry = ADDR_TLB + e * TLB_ENTRY_BYTES;
    if (load<u32>(entry, 16) == frame) {
      store<u32>(entry, TLB_INVALID);
      store<u32>(entry, 0, 4);
      store<u32>(entry, NO_FRAME, 16);
      store<u32>(entry, TLB_INVALID, TLB_WBASE_OFFSET);
    }
  }
}

/** Brings every TLB entry's latest hit into its frame's last-use time. */
function foldAllEntries(): void {
  for (let e: u32 = 1; e < tlbEntries; e++) {
    const entry = ADDR_TLB + e * TLB_ENTRY_BYTES;
    const frame = load<u32>(entry, 16);
    if (frame != NO_FRAME) foldEntry(frame, load<u64>(entry, 8));
  }
}

function chooseVictim(): u32 {
  foldAllEntries();
  if (replacement == REPLACEMENT_RANDOM) {
    let x = randomState;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    randomState = x;
    return x % framesUsed;
  }
  if (replacement == REPLACEMENT_CLOCK) {
    // Second chance: a frame used since the hand last passed has its reference bit set.
    const now = load<u64>(ADDR_ACCESSES);
    while (true) {
      const f = clockHand;
      clockHand = clockHand + 1 == framesUsed ? 0 : clockHand + 1;
      const cleared = frameRefClearedBase + (f << 3);
      // Signed: a page loaded at clock 0 (a data segment the host wrote) has cleared = -1.
      if (lastUse(f) > load<i64>(cleared)) store<u64>(cleared, now);
      else return f;
    }
  }
  // Exact LRU with a lazy min-heap: keys are lower bounds of each frame's last use. Raise a stale
  // root to its true time and sink it; the first root whose key is exact is the LRU frame.
  while (true) {
    const f = load<u32>(heapBase);
    const t = <u64>lastUse(f);
    if (t == load<u64>(frameKeyBase + (f << 3))) {
      // The frame is about to hold a new page: its key becomes "now" and it sinks.
      store<u64>(frameKeyBase + (f << 3), load<u64>(ADDR_ACCESSES));
      heapSiftDown(0);
      return f;
    }
    store<u64>(frameKeyBase + (f << 3), t);
    heapSiftDown(0);
  }
}

@inline function heapKey(i: u32): u64 {
  return load<u64>(frameKeyBase + (load<u32>(heapBase + (i << 2)) << 3));
}

function heapPush(frame: u32, key: u64): void {
  store<u64>(frameKeyBase + (frame << 3), key);
  let i = framesUsed - 1; // the heap holds exactly the frames in use
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const p = load<u32>(heapBase + (parent << 2));
    if (load<u64>(frameKeyBase + (p << 3)) <= key) break;
    store<u32>(heapBase + (i << 2), p);
    i = parent;
  }
  store<u32>(heapBase + (i << 2), frame);
}

function heapSiftDown(start: u32): void {
  const n = framesUsed;
  let i = start;
  const item = load<u32>(heapBase + (i << 2));
  const key = load<u64>(frameKeyBase + (item << 3));
  while (true) {
    const l: u32 = 2 * i + 1;
    if (l >= n) break;
    let c: u32 = l;
    if (l + 1 < n && heapKey(l + 1) < heapKey(l)) c = l + 1;
    if (heapKey(c) >= key) break;
    store<u32>(heapBase + (i << 2), load<u32>(heapBase + (c << 2)));
    i = c;
  }
  store<u32>(heapBase + (i << 2), item);
}

// ---- bulk memory: memory.fill and memory.copy of the virtual memory, a page at a time ----
// Each 8 bytes moved counts as one access (a word-sized load or store), so a bulk operation costs
// what the equivalent loop of word accesses would.

@inline function words(bytes: u32): u32 {
  return (bytes + 7) >> 3;
}

@inline function chargeWords(bytes: u32, isStore: bool): void {
  const n = <u64>words(bytes);
  store<u64>(ADDR_ACCESSES, load<u64>(ADDR_ACCESSES) + n);
  if (isStore) store<u64>(ADDR_STORES, load<u64>(ADDR_STORES) + n);
}

export function memoryFill(dst: u32, value: u32, len: u32): void {
  checkBounds(dst, len);
  while (len > 0) {
    const chunk = min(len, pageSize - (dst & pageMask));
    chargeWords(chunk, true);
    if (remoteUse(dst >> pageShift, words(chunk))) {
      memory.fill(bounceBase, <u8>value, chunk);
      hostRemoteAccess(dst, chunk, 1, bounceBase);
    } else {
      memory.fill(pagePhysical(dst, true, NO_ENTRY), <u8>value, chunk);
    }
    dst += chunk;
    len -= chunk;
  }
}

export function memoryCopy(dst: u32, src: u32, len: u32): void {
  checkBounds(dst, len);
  checkBounds(src, len);
  if (len == 0) return;
  // Copy backwards when the ranges overlap with dst above src, as memmove does.
  const backwards = dst > src && dst - src < len;
  while (len > 0) {
    let chunk: u32;
    let s: u32, d: u32;
    if (backwards) {
      const sEnd = src + len, dEnd = dst + len;
      chunk = min(len, min(((sEnd - 1) & pageMask) + 1, ((dEnd - 1) & pageMask) + 1));
      s = sEnd - chunk;
      d = dEnd - chunk;
    } else {
      chunk = min(len, min(pageSize - (src & pageMask), pageSize - (dst & pageMask)));
      s = src;
      d = dst;
      src += chunk;
      dst += chunk;
    }
    // Through the bounce page: making dst resident may evict src's frame.
    chargeWords(chunk, false);
    if (remoteUse(s >> pageShift, words(chunk))) hostRemoteAccess(s, chunk, 0, bounceBase);
    else memory.copy(bounceBase, pagePhysical(s, false, NO_ENTRY), chunk);
    chargeWords(chunk, true);
    if (remoteUse(d >> pageShift, words(chunk))) hostRemoteAccess(d, chunk, 1, bounceBase);
    else memory.copy(pagePhysical(d, true, NO_ENTRY), bounceBase, chunk);
    // No bytes of src's page may outlive it in physical memory (invariant 2): clear the bounce.
    memory.fill(bounceBase, 0, chunk);
    len -= chunk;
  }
}

// ---- for the host ----

/** Physical address of vaddr for a host access (data segments, reading results): faults the page
 *  in like any access but is not counted as one. The caller stays within the page. */
export function hostTranslate(vaddr: u32, size: u32, isStore: u32): u32 {
  checkBounds(vaddr, size);
  return pagePhysical(vaddr, isStore != 0, NO_ENTRY);
}

export function getPageSize(): u32 { return pageSize; }
export function getFramesUsed(): u32 { return framesUsed; }
export function getVirtualBytes(): u64 { return <u64>virtualWasmPages << 16; }
export function layoutAccesses(): u32 { return ADDR_ACCESSES; }
export function layoutWalkBase(): u32 { return ADDR_WALK_BASE; }
export function layoutWalkEntryBytes(): u32 { return WALK_ENTRY_BYTES; }
export function layoutStores(): u32 { return ADDR_STORES; }
export function layoutScratch(): u32 { return ADDR_SCRATCH; }
export function layoutTlb(): u32 { return ADDR_TLB; }
export function layoutTlbEntryBytes(): u32 { return TLB_ENTRY_BYTES; }
export function layoutPtBase(): u32 { return ADDR_PT_BASE; }
export function layoutTouchBase(): u32 { return ADDR_TOUCH_BASE; }
export function layoutZeroFills(): u32 { return ADDR_ZERO_FILLS; }
export function layoutFramesBase(): u32 { return ADDR_FRAMES_BASE; }
export function layoutVirtualBytes(): u32 { return ADDR_VIRTUAL_BYTES; }
export function layoutTlbMisses(): u32 { return ADDR_TLB_MISSES; }
export function layoutTlbWbaseOffset(): u32 { return TLB_WBASE_OFFSET; }
export function layoutTlbInvalid(): u32 { return TLB_INVALID; }
export function layoutRemoteAccesses(): u32 { return ADDR_REMOTE_ACCESSES; }
export function layoutCounterInterrupts(): u32 { return ADDR_COUNTER_INTERRUPTS; }
export function layoutNoFrame(): u32 { return NO_FRAME; }
export function layoutPtePresent(): u32 { return PTE_PRESENT; }
export function layoutPteDirty(): u32 { return PTE_DIRTY; }
export function layoutPtePrefetched(): u32 { return PTE_PREFETCHED; }
export function layoutPteRemote(): u32 { return PTE_REMOTE; }
export function layoutPteSeen(): u32 { return PTE_SEEN; }
