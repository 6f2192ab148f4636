// --compress: every codec gives pages back byte for byte, pages that do not compress go raw, the
// wire, the swap and the servers carry and keep the compressed bytes (so the same server memory
// holds more pages), and runs stay verified and deterministic.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CODECS } from "../host/compression/index.ts";
import { PageCompressor, RAW_SAVING } from "../host/compression/page-compressor.ts";
import { ConfigError, resolveConfig } from "../host/config.ts";
import { diskServiceMicros } from "../host/disks/disk.ts";
import { DISKS } from "../host/disks/index.ts";
import { run } from "../host/run.ts";
import { MemoryServerPool } from "../host/servers/pool.ts";
import { TRANSPORTS } from "../host/servers/protocol.ts";
import { SwapDevice } from "../host/swap-device.ts";
import { watFile } from "./wat.ts";

const PAGE = 4096;

/** xorshift32 bytes: what no codec can shrink. */
function noise(length: number, seed: number): Uint8Array {
  const words = new Uint32Array(length / 4);
  let x = seed | 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    words[i] = x >>> 0;
  }
  return new Uint8Array(words.buffer);
}

/** Pages as programs leave them: zeros, counters (which lz4 cannot shrink: no 4 bytes repeat),
 *  text, a sparse array, noise, half noise. */
function samplePages(): Record<string, Uint8Array> {
  const counting = new Uint8Array(PAGE);
  new Uint32Array(counting.buffer).forEach((_, i, a) => { a[i] = i * 7; });
  const text = new TextEncoder().encode("the memory engine pages to its servers over gigabit Ethernet; ".repeat(80)).subarray(0, PAGE);
  const sparse = new Uint8Array(PAGE);
  for (let i = 0; i < PAGE; i += 512) sparse[i] = i >> 9;
  const half = new Uint8Array(PAGE);
  half.set(noise(PAGE / 2, 7));
  return { zeros: new Uint8Array(PAGE), counting, text, sparse, noise: noise(PAGE, 3), half };
}

for (const [name, codec] of Object.entries(CODECS)) {
  test(`${name} gives every kind of page back byte for byte, and cannot shrink noise`, () => {
    const c = codec.open();
    for (const [kind, page] of Object.entries(samplePages())) {
      const compressed = c.compress(page);
      if (compressed === null) {
        assert.equal(kind, "noise", `${name} found nothing to gain in the ${kind} page`);
        continue;
      }
      const stored = compressed.slice(); // the codec's buffer is reused by its next call
      if (kind === "noise") {
        assert.ok(stored.length > PAGE * (1 - RAW_SAVING), `${name} shrank noise to ${stored.length} bytes`);
      } else if (kind === "zeros" || kind === "text" || kind === "sparse") {
        assert.ok(stored.length < PAGE / 4, `${name} left the ${kind} page at ${stored.length} bytes`);
      }
      const back = new Uint8Array(PAGE).fill(0xa5);
      assert.equal(c.decompress(stored, back), PAGE, `${kind}: a whole page`);
      assert.deepEqual(back, page, `${kind}: byte for byte`);
    }
  });
}

const lz4Config = () => resolveConfig({ workload: "trans", policy: "ram-disk", preset: "anemone05", compress: "lz4" });

test("a page that does not compress is stored raw, counted, and costs only the try", () => {
  const config = lz4Config();
  const compressor = new PageCompressor(config);
  const page = noise(PAGE, 11);
  const { stored, readyMicros } = compressor.pack(page, 100);
  assert.equal(stored.length, PAGE);
  assert.deepEqual(stored, page);
  assert.equal(readyMicros, 100 + config.compressMicrosPerPage, "compressing was tried, and paid for");
  const into = new Uint8Array(PAGE);
  assert.equal(compressor.unpack(1, stored, into, 500), 500, "a raw page needs no decompression");
  assert.deepEqual(into, page);
  const r = compressor.report();
  assert.deepEqual([r.pagesCompressed, r.pagesStoredRaw, r.pagesDecompressed, r.compressionRatio], [1, 1, 0, 1]);
});

test("a codec that gives back less than a page is caught where the page comes in", () => {
  const config = { ...lz4Config(), compress: "broken" };
  CODECS.broken = {
    ...CODECS.lz4,
    open() {
      const real = CODECS.lz4.open();
      return { compress: real.compress, decompress: (stored, into) => real.decompress(stored, into) - 1 };
    },
  };
  try {
    const compressor = new PageCompressor(config);
    const { stored } = compressor.pack(samplePages().text, 0);
    assert.ok(stored.length < PAGE);
    assert.throws(() => compressor.unpack(5, stored.slice(), new Uint8Array(PAGE), 0), { message: `broken: page 5 decompressed to ${PAGE - 1} bytes, not ${PAGE}` });
  } finally {
    delete CODECS.broken;
  }
});

// The thread transports (redis: test/redis.test.ts runs --compress over it).
for (const transport of TRANSPORTS.filter((t) => t !== "redis")) {
  test(`a server stores compressed pages in slots of 256 bytes: 16 KiB holds 16 pages of 1000 bytes, each given back byte for byte (${transport})`, async () => {
    const pool = await MemoryServerPool.start({ servers: 1, capacityBytes: 4 * PAGE, pageSizeBytes: PAGE, slotBytes: 256, transport });
    try {
      const stored = (v: number) => noise(1000, v + 1).subarray(0, 1000 - v); // 4 slots each
      for (let v = 0; v < 16; v++) assert.ok(pool.pageOut(0, v, stored(v)), `page ${v} fits`);
      assert.equal(pool.pageOut(0, 16, stored(16)), false, "the 65th slot does not exist");
      assert.equal(pool.pageOut(0, 3, new Uint8Array(PAGE)), false, "page 3 cannot grow to 16 slots");
      assert.ok(pool.pageOut(0, 4, stored(4).subarray(0, 200)), "page 4 shrinks to one slot, in place");
      assert.ok(pool.pageOut(0, 16, new Uint8Array(700).fill(9)), "the 3 slots page 4 gave back take page 16");
      assert.equal(pool.pagesHeld(0), 17);
      const into = new Uint8Array(PAGE);
      for (let v = 0; v < 17; v++) {
        const want = v === 4 ? stored(4).subarray(0, 200) : v === 16 ? new Uint8Array(700).fill(9) : stored(v);
        assert.equal(pool.pageInBytes(0, v, into), want.length, `page ${v}'s stored bytes`);
        assert.deepEqual(into.subarray(0, want.length), want, `page ${v} byte for byte`);
      }
      assert.equal(pool.pagesHeld(0), 0);
      assert.ok(pool.storage(0).every((b) => b === 0), "every freed slot is zeroed");
    } finally {
      await pool.stop();
    }
  });
}

test("the swap device's disk moves the compressed bytes: a page-in of a 1000-byte page costs seek + rotation + 1000 bytes' transfer", () => {
  const disk = DISKS.hdd7200;
  const swap = new SwapDevice(PAGE, disk);
  try {
    const pages = Array.from({ length: 32 }, (_, v) => noise(1000, v + 1));
    pages.forEach((p, v) => swap.write(v, p, 0)); // the 32nd write sends the cluster: 32 000 bytes
    const clusterMicros = diskServiceMicros(disk, 32 * 1000, false);
    const into = new Uint8Array(PAGE);
    const done = swap.read(5, into, 0);
    assert.equal(swap.storedBytes(5), 1000);
    assert.deepEqual(into.subarray(0, 1000), pages[5]);
    assert.equal(done, clusterMicros + diskServiceMicros(disk, 1000, false));
  } finally {
    swap.close();
  }
});

const trans = { workload: "trans", size: "tiny", preset: "anemone05", localPages: 32 } as const;

test("ram-disk with lz4: verified, the same faults, fewer bytes on the wire by at least what the page-outs saved; --compress none is no option at all", async () => {
  const none = await run({ ...trans, policy: "ram-disk" });
  const explicitNone = await run({ ...trans, policy: "ram-disk", compress: "none" });
  const lz4 = await run({ ...trans, policy: "ram-disk", compress: "lz4" });
  assert.ok(none.verified && lz4.verified);
  assert.equal(none.compression, null);
  assert.deepEqual([explicitNone.modelledCycles, explicitNone.networkBytes], [none.modelledCycles, none.networkBytes]);
  assert.deepEqual([lz4.pageIns, lz4.pageOuts], [none.pageIns, none.pageOuts]);
  const c = lz4.compression!;
  assert.equal(c.codec, "lz4");
  assert.equal(c.pagesCompressed, lz4.pageOuts, "every page-out is compressed");
  assert.equal(c.pageBytes, lz4.pageOuts * PAGE);
  assert.equal(c.compressionRatio, c.pageBytes / c.storedBytes);
  assert.ok(c.compressionRatio > 1.5, `trans's pages compress ${c.compressionRatio}x`);
  assert.ok(c.pagesDecompressed > 0 && c.pagesDecompressed <= lz4.pageIns);
  assert.ok(lz4.networkBytes <= none.networkBytes - (c.pageBytes - c.storedBytes), `${lz4.networkBytes} bytes against ${none.networkBytes}`);
  const again = await run({ ...trans, policy: "ram-disk", compress: "lz4" });
  assert.deepEqual([again.modelledCycles, again.networkBytes, again.compression], [lz4.modelledCycles, lz4.networkBytes, lz4.compression]);
});

// Fills n pages with words made of $i (the word's index) and $x (xorshift noise), then reads
// them all three times.
const pagesWat = (word: string) => `(module (memory 4)
  (func (export "run") (param $n i32) (param $seed i32) (result i32)
    (local $i i32) (local $x i32) (local $s i32) (local $pass i32) (local $words i32)
    (local.set $words (i32.mul (local.get $n) (i32.const 1024)))
    (local.set $x (i32.or (local.get $seed) (i32.const 1)))
    (loop $fill
      (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 13))))
      (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 17))))
      (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 5))))
      (i32.store (i32.shl (local.get $i) (i32.const 2)) ${word})
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $fill (i32.lt_u (local.get $i) (local.get $words))))
    (loop $passes
      (local.set $i (i32.const 0))
      (loop $read
        (local.set $s (i32.add (local.get $s) (i32.load (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $read (i32.lt_u (local.get $i) (local.get $words))))
      (local.set $pass (i32.add (local.get $pass) (i32.const 1)))
      (br_if $passes (i32.lt_u (local.get $pass) (i32.const 3))))
    (local.get $s)))`;

/** Pages nothing can shrink; and pages of runs of 16 equal words, which compress well. */
const NOISE_WAT = pagesWat("(local.get $x)");
const RUNS_WAT = pagesWat("(i32.shr_u (local.get $i) (i32.const 4))");

test("compressed, the same server memory holds more pages, and fewer go to the engine's disk", async () => {
  const options = { workload: watFile("runs", RUNS_WAT), n: 64, policy: "ram-disk", preset: "anemone05", localPages: 8, servers: 1, serverMem: "32KiB" };
  const none = await run(options);
  const lz4 = await run({ ...options, compress: "lz4" });
  assert.ok(none.verified && lz4.verified);
  assert.deepEqual(none.servers, [8], "8 whole pages fill 32 KiB");
  assert.equal(none.pagesOnDisk, 64 - 8 - 8);
  assert.ok(lz4.compression!.compressionRatio > 4, `ratio ${lz4.compression!.compressionRatio}`);
  // 128 slots of 256 bytes: more than four times the whole pages that fit.
  assert.ok(lz4.servers[0] > 4 * 8, `the server holds ${lz4.servers[0]} compressed pages`);
  assert.equal(lz4.pagesOnDisk, 64 - 8 - lz4.servers[0]);
});

test("compressed pages give the same modelled figures over either transport to the server threads", async () => {
  // Half the compressed pages fit on the server, the rest go to the engine's disk.
  const options = { workload: watFile("runs", RUNS_WAT), n: 64, policy: "ram-disk", preset: "anemone05", localPages: 8, servers: 1, serverMem: "32KiB", compress: "lz4" };
  const [one, two] = [await run({ ...options, transport: "one-sided" }), await run({ ...options, transport: "two-sided" })];
  assert.ok(one.verified && two.verified);
  assert.ok(one.pagesOnDisk > 0);
  assert.deepEqual([two.modelledCycles, two.networkBytes, two.servers, two.pagesOnDisk, two.compression],
    [one.modelledCycles, one.networkBytes, one.servers, one.pagesOnDisk, one.compression]);
});

for (const policy of ["ram-disk", "disk"]) {
  test(`${policy}: pages that do not compress go raw, and the run is slower than without by no more than the compression tried`, async () => {
    const options = { workload: watFile("noise", NOISE_WAT), n: 64, policy, preset: "anemone05", localPages: 8 };
    const none = await run(options);
    for (const codec of Object.keys(CODECS)) {
      const r = await run({ ...options, compress: codec });
      assert.ok(r.verified, codec);
      const c = r.compression!;
      assert.ok(c.pagesCompressed >= 64, `${codec}: ${c.pagesCompressed} pages tried`);
      assert.deepEqual([c.pagesStoredRaw, c.pagesDecompressed, c.compressionRatio], [c.pagesCompressed, 0, 1], codec);
      assert.deepEqual([r.networkBytes, r.pageIns, r.diskReads + r.diskWrites], [none.networkBytes, none.pageIns, none.diskReads + none.diskWrites], codec);
      const extraMicros = (r.modelledSeconds - none.modelledSeconds) * 1e6;
      assert.ok(extraMicros > 0 && extraMicros <= c.compressMicros * (1 + 1e-9), `${codec}: ${extraMicros} µs more, ${c.compressMicros} µs compressing`);
    }
  });
}

test("disk with deflate: verified, the swap holds compressed pages", async () => {
  const r = await run({ ...trans, policy: "disk", compress: "deflate" });
  assert.ok(r.verified);
  assert.ok(r.compression!.compressionRatio > 1.5, `ratio ${r.compression!.compressionRatio}`);
  assert.ok(r.compression!.pagesDecompressed > 0);
});

test("--compress takes none, lz4 or deflate, and only with a policy that pages (disk, ram-disk)", () => {
  assert.throws(() => resolveConfig({ workload: "trans", compress: "zstd" }), (e: Error) =>
    e instanceof ConfigError && e.message === 'unknown --compress codec "zstd": choose one of none, lz4, deflate');
  for (const policy of ["local", "remote-main", "counters", "software-counters"]) {
    assert.throws(() => resolveConfig({ workload: "trans", policy, compress: "lz4" }), (e: Error) =>
      e instanceof ConfigError && e.message === `--compress applies to the paging policies disk and ram-disk, not ${policy}`);
    assert.equal(resolveConfig({ workload: "trans", policy, compress: "none" }).compress, "none");
  }
  const c = lz4Config();
  assert.ok(c.compressMicrosPerPage > c.decompressMicrosPerPage && c.decompressMicrosPerPage > 0);
  const none = resolveConfig({ workload: "trans" });
  assert.deepEqual([none.compress, none.compressMicrosPerPage, none.decompressMicrosPerPage], ["none", 0, 0]);
});
