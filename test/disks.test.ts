// The disk models and the single arm: random accesses pay seek + rotation + transfer, sequential
// ones only the transfer, and requests queue first come first served.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DISKS } from "../host/disks/index.ts";
import { DiskArm, diskServiceMicros, diskTransferSeconds, type DiskModel } from "../host/disks/disk.ts";
import { hdd7200 } from "../host/disks/hdd7200.ts";
import { nvme } from "../host/disks/nvme.ts";
import { rz55 } from "../host/disks/rz55.ts";

const PAGE = 4096;

function near(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual}, expected ${expected} +- ${tolerance}`);
}

/** Round numbers, so the expected times are obvious: 10 ms seek, 5 ms rotation, 4 KiB in 1 ms. */
const TOY: DiskModel = { name: "toy", description: "", seekMillis: 10, rotationMillis: 5, bytesPerSecond: 4096e3, assumptions: [] };

test("a random access costs seek + rotation + transfer", () => {
  const arm = new DiskArm(TOY);
  assert.equal(arm.access(0, 100, PAGE), 16_000);
  near(new DiskArm(hdd7200).access(0, 7, PAGE), 4000 + 60e6 / 7200 / 2 + (PAGE / 150e6) * 1e6, 1e-6, "hdd7200");
});

test("a sequential access pays only the transfer", () => {
  const arm = new DiskArm(TOY);
  const first = arm.access(0, 100, PAGE);
  assert.equal(arm.access(first, 101, PAGE) - first, 1000);
  assert.equal(arm.access(arm.busyUntilMicros, 102, PAGE) - first, 2000);
  assert.equal(arm.accesses, 3);
  assert.equal(arm.sequentialAccesses, 2);
});

test("only the next block is sequential: the same block, a gap or going back pays the full cost", () => {
  for (const next of [100, 102, 99, 0]) {
    const arm = new DiskArm(TOY);
    const first = arm.access(0, 100, PAGE);
    assert.equal(arm.access(first, next, PAGE) - first, 16_000, `block ${next} after 100`);
  }
});

test("the first access is never sequential, whatever its block", () => {
  assert.equal(new DiskArm(TOY).access(0, 1, PAGE), 16_000);
  assert.equal(new DiskArm(TOY).access(0, 0, PAGE), 16_000);
});

test("two requests at the same time queue on the arm", () => {
  const arm = new DiskArm(TOY);
  assert.equal(arm.access(0, 10, PAGE), 16_000);
  assert.equal(arm.access(0, 50, PAGE), 32_000);
  assert.equal(arm.busyUntilMicros, 32_000);
});

test("a request after the arm is idle starts when it is issued", () => {
  const arm = new DiskArm(TOY);
  arm.access(0, 10, PAGE);
  assert.equal(arm.access(100_000, 50, PAGE), 116_000);
});

test("a sequential request that waits in the queue still gets the discount", () => {
  const arm = new DiskArm(TOY);
  arm.access(0, 10, PAGE);
  assert.equal(arm.access(0, 11, PAGE), 17_000);
});

test("reset forgets the queue and the head's position", () => {
  const arm = new DiskArm(TOY);
  arm.access(0, 10, PAGE);
  arm.reset();
  assert.equal(arm.busyUntilMicros, 0);
  assert.equal(arm.accesses, 0);
  assert.equal(arm.access(0, 11, PAGE), 16_000, "block 11 after a reset is not sequential");
});

test("the service time agrees with diskTransferSeconds for a random access", () => {
  for (const disk of Object.values(DISKS)) {
    near(diskServiceMicros(disk, PAGE, false), diskTransferSeconds(disk, PAGE) * 1e6, 1e-6, disk.name);
    near(diskServiceMicros(disk, PAGE, true), (PAGE / disk.bytesPerSecond) * 1e6, 1e-9, disk.name);
  }
});

test("an NVMe 4 KiB random read takes 60 to 80 us, with no rotation", () => {
  assert.equal(nvme.rotationMillis, 0);
  const micros = new DiskArm(nvme).access(0, 3, PAGE);
  assert.ok(micros >= 60 && micros <= 80, `${micros} us`);
  assert.ok(nvme.bytesPerSecond >= 2e9 && nvme.bytesPerSecond <= 3e9);
});

test("the disks keep their datasheet figures: RZ55 16 ms + 8.33 ms, 7200 rpm 4 ms + 4.17 ms", () => {
  assert.equal(rz55.seekMillis, 16);
  near(rz55.rotationMillis, 8.333, 0.001, "rz55 rotation");
  assert.equal(rz55.bytesPerSecond, 5e6);
  assert.equal(hdd7200.seekMillis, 4);
  near(hdd7200.rotationMillis, 4.167, 0.001, "hdd7200 rotation");
});

test("every disk is registered under its name with positive rates and its sources", () => {
  assert.deepEqual(Object.keys(DISKS).sort(), ["hdd7200", "nvme", "rz55"]);
  for (const [key, disk] of Object.entries(DISKS)) {
    assert.equal(disk.name, key);
    assert.ok(disk.seekMillis > 0 && disk.bytesPerSecond > 0 && disk.rotationMillis >= 0, key);
    assert.ok(disk.description.length > 0);
    assert.ok(disk.assumptions.length >= 3, `${key} says where its numbers come from`);
  }
});

test("a bad request is a programming error", () => {
  const arm = new DiskArm(TOY);
  assert.throws(() => arm.access(Number.NaN, 1, PAGE), RangeError);
  assert.throws(() => arm.access(0, -1, PAGE), RangeError);
  assert.throws(() => arm.access(0, 1.5, PAGE), RangeError);
  assert.throws(() => arm.access(0, 1, -1), RangeError);
  assert.equal(arm.accesses, 0, "a refused request does not count");
});
