// Break-even counters (--counter auto): the value follows the rent-or-buy rule from the preset's
// own numbers, the migration cost it uses is what the engine really charges, and a run that asks
// for it gets it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError, resolveConfig, type RunOptions } from "../host/config.ts";
import { breakEvenCounter, MAX_COUNTER, migrationMicros } from "../host/policies/break-even.ts";
import { run } from "../host/run.ts";

const auto = (o: Omit<RunOptions, "workload" | "counter">) => resolveConfig({ workload: "trans", counter: "auto", ...o });

test("markatos96 by hand: a migration's 1012.51 µs over ATM, 1534 remote accesses in hardware, 152 in software", () => {
  // atm155: 149.76 Mb/s of cells, 48 bytes of payload and 5 of header a cell, 11 µs of software a
  // message, 10 µs latency. markatos96: 8 KiB pages, 150 MHz, no memory engine, a 1000-cycle
  // interrupt, no fault handling cost, remote accesses of 100 (hardware) and 1000 (software)
  // cycles against a local one's 1. The engine's request is 64 bytes.
  const bytesPerMicro = 149.76e6 / 8 / 1e6;
  const wire = (payload: number) => (payload + Math.ceil(payload / 48) * 5) / bytesPerMicro;
  const interrupt = 1000 / 150;
  const writeBackLeaves = 11 + wire(8192); // the displaced page holds the client's pipe until then
  const requestArrives = Math.max(interrupt + 11, writeBackLeaves) + wire(64) + 10;
  const pageArrives = requestArrives + 11 + wire(8192) + 10;
  assert.ok(Math.abs(pageArrives - 1012.51) < 0.01, `hand computation: ${pageArrives}`);
  const migrationCycles = Math.round(pageArrives * 150);

  const hardware = auto({ preset: "markatos96", policy: "counters" });
  assert.ok(Math.abs(migrationMicros(hardware) - pageArrives) < 1e-9, `the module's migration: ${migrationMicros(hardware)} µs`);
  assert.equal(hardware.counterInitial, Math.round(migrationCycles / (100 - 1)));
  assert.equal(hardware.counterInitial, 1534);
  assert.equal(hardware.counterAuto, true);
  const software = auto({ preset: "markatos96", policy: "software-counters" });
  assert.equal(software.counterInitial, Math.round(migrationCycles / (1000 - 1)));
  assert.equal(software.counterInitial, 152);
});

test("software counters get a smaller value than hardware ones on every preset", () => {
  for (const preset of ["default", "markatos96", "anemone05", "modern"]) {
    const hardware = auto({ preset, policy: "counters" }).counterInitial;
    const software = auto({ preset, policy: "software-counters" }).counterInitial;
    assert.ok(hardware > software && software >= 1, `${preset}: hardware ${hardware}, software ${software}`);
  }
});

test("the value follows the link, its overrides, the page size and the fault handling cost", () => {
  const markatos = auto({ preset: "markatos96", policy: "counters" }).counterInitial;
  assert.ok(auto({ preset: "markatos96", policy: "counters", bandwidth: "5MB/s" }).counterInitial > markatos, "a slower link: dearer migrations");
  assert.ok(auto({ preset: "markatos96", policy: "counters", latency: "1ms" }).counterInitial > markatos, "a longer latency: dearer migrations");
  assert.ok(auto({ preset: "markatos96", policy: "counters", pageSize: "4KiB" }).counterInitial < markatos, "smaller pages: cheaper migrations");
  assert.ok(auto({ preset: "markatos96", policy: "counters", link: "rdma100" }).counterInitial < markatos, "a faster link: cheaper migrations");
  // anemone05 charges 460 µs of fault handling on each page-in, at 2.8 GHz: 12880 cycles, 130 accesses.
  const anemone = auto({ preset: "anemone05", policy: "counters" });
  assert.ok(Math.abs(migrationMicros(anemone) - migrationMicros({ ...anemone, faultHandlingMicros: 0 }) - 460) < 1e-9);
  // Through the engine the page crosses two hops each way: dearer than straight to the server.
  const direct = auto({ preset: "anemone05", policy: "counters", memoryEngine: false });
  assert.ok(anemone.counterInitial > direct.counterInitial, `via the engine ${anemone.counterInitial}, straight ${direct.counterInitial}`);
  // Renting as cheap as owning: never migrate.
  assert.equal(breakEvenCounter({ ...anemone, remoteAccessCycles: anemone.localAccessCycles }), MAX_COUNTER);
});

test("the migration cost is what the engine charges: a run's migrations on an idle link take exactly that long", async () => {
  const r = await run({ workload: "trans", size: "tiny", preset: "markatos96", policy: "counters", localMem: "128KiB", counter: "auto" });
  assert.ok(r.verified);
  assert.ok(r.migrations > 100, `${r.migrations} migrations`);
  // Most faults find the link idle (the program runs between them); then the stall is the module's M.
  assert.ok(Math.abs(r.faultLatencyMicros!.p50 - migrationMicros(r.config)) < 1e-6, `p50 ${r.faultLatencyMicros!.p50} µs, M ${migrationMicros(r.config)} µs`);
  assert.equal(r.counterInitial, 1534);
  assert.equal(r.counterAuto, true);
});

test("auto is accepted, and reported as null, under policies without counters; a bad value is one ConfigError", async () => {
  const r = await run({ workload: "trans", size: "tiny", policy: "disk", localPages: 64, counter: "auto" });
  assert.deepEqual([r.counterInitial, r.counterAuto], [null, null]);
  assert.equal(resolveConfig({ workload: "trans" }).counterAuto, false);
  assert.equal(resolveConfig({ workload: "trans" }).counterInitial, 256);
  for (const bad of ["automatic", "0", "", "1.5"]) {
    assert.throws(() => resolveConfig({ workload: "trans", counter: bad }),
      (e: unknown) => e instanceof ConfigError && e.message === `--counter must be auto or an integer from 1 to ${MAX_COUNTER}, not "${bad}"`, bad);
  }
});
