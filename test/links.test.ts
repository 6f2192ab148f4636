// The link models: wire time from frames and headers, a pipe per direction that queues messages,
// latency and protocol cost where link.ts says they are charged, and --bandwidth / --latency.
import { test } from "node:test";
import assert from "node:assert/strict";
import { LINKS } from "../host/links/index.ts";
import { gigabit } from "../host/links/gigabit.ts";
import { rdma100 } from "../host/links/rdma100.ts";
import {
  LinkError, LinkPipe, framesFor, parseBandwidth, parseLatency, wireBytes, wireMicros, withOverrides, type LinkModel,
} from "../host/links/link.ts";

const PAGE = 4096;

function near(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual}, expected ${expected} +- ${tolerance}`);
}

test("a 4 KiB page on gigabit takes three 1500-byte frames and about 34.64 us on the wire", () => {
  assert.equal(framesFor(gigabit, PAGE), 3);
  assert.equal(wireBytes(gigabit, PAGE), 4096 + 3 * 78);
  near(wireMicros(gigabit, PAGE), 34.64, 0.1, "wire time");
});

test("wire time counts whole frames: one payload byte more than a frame holds needs a second frame", () => {
  const perFrame = gigabit.mtuBytes - gigabit.packetHeaderBytes;
  assert.equal(framesFor(gigabit, perFrame), 1);
  assert.equal(framesFor(gigabit, perFrame + 1), 2);
  assert.equal(framesFor(gigabit, 0), 1, "an empty message is still one frame");
  near(wireMicros(gigabit, 0), (78 / 125e6) * 1e6, 1e-9, "empty message");
});

test("jumbo frames carry a page in fewer frames and less time", () => {
  const jumbo: LinkModel = { ...gigabit, mtuBytes: 9000 };
  assert.equal(framesFor(jumbo, PAGE), 1);
  assert.ok(framesFor(jumbo, PAGE) < framesFor(gigabit, PAGE));
  near(wireMicros(jumbo, PAGE), ((4096 + 78) / 125e6) * 1e6, 1e-9, "jumbo wire time");
  near(wireMicros(gigabit, PAGE) - wireMicros(jumbo, PAGE), ((2 * 78) / 125e6) * 1e6, 1e-9, "two frames' headers saved");
});

test("wire time does not depend on latency or protocol cost", () => {
  const slow: LinkModel = { ...gigabit, latencyMicros: 1000, protocolMicros: 1000 };
  assert.equal(wireMicros(slow, PAGE), wireMicros(gigabit, PAGE));
});

test("a 4 KiB page fits one RDMA packet of 4096 bytes plus 26 bytes of headers", () => {
  assert.equal(framesFor(rdma100, PAGE), 1);
  near(wireMicros(rdma100, PAGE), (4122 / 12.5e9) * 1e6, 1e-9, "rdma wire time");
});

test("a message on an idle pipe arrives after protocol cost, wire time and latency, in that order", () => {
  const link: LinkModel = { ...gigabit, latencyMicros: 50, protocolMicros: 7 };
  const pipe = new LinkPipe(link);
  const wire = wireMicros(link, PAGE);
  const arrival = pipe.send(100, PAGE);
  near(arrival, 100 + 7 + wire + 50, 1e-9, "arrival");
  near(pipe.busyUntilMicros, 100 + 7 + wire, 1e-9, "the pipe is busy for the wire time only, not the latency");
});

test("two messages sent at the same time on one pipe queue: the second arrives one wire time later", () => {
  const pipe = new LinkPipe(gigabit);
  const first = pipe.send(0, PAGE);
  const second = pipe.send(0, PAGE);
  near(second - first, wireMicros(gigabit, PAGE), 1e-9, "gap between arrivals");
});

test("a message sent after the pipe has drained does not wait", () => {
  const pipe = new LinkPipe(gigabit);
  pipe.send(0, PAGE);
  const later = 1000;
  near(pipe.send(later, 64), later + gigabit.protocolMicros + wireMicros(gigabit, 64) + gigabit.latencyMicros, 1e-9, "arrival");
});

test("a small message queues behind a page sent just before it on the same pipe", () => {
  const pipe = new LinkPipe(gigabit);
  const page = pipe.send(0, PAGE);
  const request = pipe.send(1, 64);
  near(request, page + wireMicros(gigabit, 64), 1e-9, "request arrival");
});

test("reset leaves the pipe idle", () => {
  const pipe = new LinkPipe(gigabit);
  pipe.send(0, PAGE);
  assert.ok(pipe.busyUntilMicros > 0);
  pipe.reset();
  assert.equal(pipe.busyUntilMicros, 0);
  near(pipe.send(0, PAGE), gigabit.protocolMicros + wireMicros(gigabit, PAGE) + gigabit.latencyMicros, 1e-9, "after reset");
});

test("a 4 KiB page fetch over rdma100 (64 B request, page back) takes 2 to 3 us", () => {
  const there = new LinkPipe(rdma100);
  const back = new LinkPipe(rdma100);
  const roundTrip = back.send(there.send(0, 64), PAGE);
  assert.ok(roundTrip >= 2 && roundTrip <= 3, `round trip ${roundTrip} us`);
});

test("a 4 KiB page fetch over ethernet10 is dominated by the wire: about 3.5 ms per page", () => {
  const link = LINKS.ethernet10;
  const arrival = new LinkPipe(link).send(0, PAGE);
  near(wireMicros(link, PAGE), ((4096 + 3 * 78) / 1.25e6) * 1e6, 1e-6, "wire");
  assert.ok(arrival > 3464 && arrival < 4000, `arrival ${arrival} us`);
});

test("every named link is registered under its name with positive numbers and its sources", () => {
  assert.deepEqual(Object.keys(LINKS).sort(), ["25g", "atm155", "ethernet10", "gigabit", "rdma100"]);
  for (const [key, link] of Object.entries(LINKS)) {
    assert.equal(link.name, key);
    for (const field of ["bytesPerSecond", "latencyMicros", "mtuBytes", "frameOverheadBytes", "protocolMicros"] as const) {
      assert.ok(Number.isFinite(link[field]) && link[field] > 0, `${key}.${field} = ${link[field]}`);
    }
    assert.ok(link.packetHeaderBytes >= 0 && link.packetHeaderBytes < link.mtuBytes, `${key}.packetHeaderBytes`);
    assert.ok(link.description.length > 0);
    assert.ok(link.assumptions.length >= 3, `${key} says where its numbers come from`);
  }
  assert.equal(LINKS.ethernet10.bytesPerSecond, 1.25e6);
  assert.equal(LINKS.gigabit.bytesPerSecond, 125e6);
  assert.equal(LINKS["25g"].bytesPerSecond, 3.125e9);
  assert.equal(LINKS.rdma100.bytesPerSecond, 12.5e9);
  for (const name of ["ethernet10", "gigabit", "25g"]) assert.equal(LINKS[name].mtuBytes, 1500);
  assert.equal(LINKS.rdma100.mtuBytes, 4096);
});

test("an 8 KiB page over atm155 is 171 cells with a 5-byte header each: 483 us on the wire, 16.9 MB/s of payload", () => {
  const link = LINKS.atm155;
  near(wireMicros(link, 8192), ((8192 + 171 * 5) / 18.72e6) * 1e6, 1e-6, "wire");
  assert.ok(Math.abs(8192 / wireMicros(link, 8192) - 16.95) < 0.01, "payload rate in MB/s");
});

test("faster links cost less per page, end to end", () => {
  const times = ["ethernet10", "gigabit", "25g", "rdma100"].map((n) => new LinkPipe(LINKS[n]).send(0, PAGE));
  for (let i = 1; i < times.length; i++) assert.ok(times[i] < times[i - 1], `${times}`);
});

test("--bandwidth reads bits per second and bytes per second in each accepted form", () => {
  const cases: [string | number, number][] = [
    ["1Gbit", 125e6], ["100Mbit", 12.5e6], ["10Gb/s", 1.25e9], ["125MB/s", 125e6], ["25Gbps", 3.125e9],
    ["1Gbit/s", 125e6], ["2.5Gbits/s", 312.5e6], ["10 Mbit", 1.25e6], ["64kbit", 8e3], ["64Kbit", 8e3],
    ["1Tbit", 125e9], ["3.125GBps", 3.125e9], ["1MB/s", 1e6], ["1000bytes/s", 1000], ["1e9", 125e6],
    ["8000000", 1e6], [" 1Gbit ", 125e6], [1e9, 125e6], [8, 1],
  ];
  for (const [text, bytesPerSecond] of cases) {
    near(parseBandwidth(text), bytesPerSecond, bytesPerSecond * 1e-12, `--bandwidth ${text}`);
  }
});

test("--latency reads microseconds, milliseconds, nanoseconds, seconds and bare numbers", () => {
  const cases: [string | number, number][] = [
    ["50us", 50], ["0.2ms", 200], ["1.5 us", 1.5], ["500ns", 0.5], ["1s", 1e6], ["2\u00b5s", 2], ["2\u03bcs", 2],
    ["75", 75], [".5ms", 500], [30, 30], [0.25, 0.25],
  ];
  for (const [text, micros] of cases) near(parseLatency(text), micros, micros * 1e-12, `--latency ${text}`);
});

test("every bad --bandwidth throws a LinkError quoting the text", () => {
  const bad: (string | number)[] = ["-5", "0", "0Gbit", "", "fast", "1G", "1Gb", "125MB", "1gbit", "1 Gbit extra", "1..2Gbit",
    "Infinity", "NaN", "1mbit", -5, 0, Number.NaN, Number.POSITIVE_INFINITY];
  for (const value of bad) {
    assert.throws(() => parseBandwidth(value), (e: unknown) => {
      assert.ok(e instanceof LinkError, `${value}: ${e}`);
      assert.equal(e.message, `--bandwidth must be a positive rate like 1Gbit or 125MB/s, not "${value}"`);
      return true;
    });
  }
});

test("every bad --latency throws a LinkError quoting the text", () => {
  const bad: (string | number)[] = ["-5us", "0", "0ms", "", "soon", "5 minutes", "5m", "5usec", "1e400", -1, 0, Number.NaN, Infinity];
  for (const value of bad) {
    assert.throws(() => parseLatency(value), (e: unknown) => {
      assert.ok(e instanceof LinkError, `${value}: ${e}`);
      assert.equal(e.message, `--latency must be a positive time like 50us or 0.2ms, not "${value}"`);
      return true;
    });
  }
});

test("withOverrides returns a new link with the rate and latency replaced and the rest kept", () => {
  const before = structuredClone(gigabit);
  const fast = withOverrides(gigabit, { bandwidth: "10Gbit", latency: "1us" });
  assert.deepEqual(gigabit, before, "the named model is not changed");
  assert.notEqual(fast, gigabit);
  assert.equal(fast.bytesPerSecond, 1.25e9);
  assert.equal(fast.latencyMicros, 1);
  assert.equal(fast.name, "gigabit");
  assert.equal(fast.mtuBytes, gigabit.mtuBytes);
  assert.equal(fast.protocolMicros, gigabit.protocolMicros);
  assert.match(fast.description, /overridden: bandwidth 10 Gbit\/s, latency 1 us/);
  assert.equal(fast.assumptions.length, gigabit.assumptions.length + 2);
  assert.match(fast.assumptions.at(-2)!, /--bandwidth 10Gbit: 10 Gbit\/s instead of the model's 1 Gbit\/s/);
  near(wireMicros(fast, PAGE), wireMicros(gigabit, PAGE) / 10, 1e-9, "ten times the rate, a tenth of the wire time");
});

test("withOverrides with nothing to override returns an equal copy", () => {
  const copy = withOverrides(gigabit, {});
  assert.deepEqual(copy, gigabit);
  assert.notEqual(copy.assumptions, gigabit.assumptions);
  assert.deepEqual(withOverrides(gigabit, { bandwidth: undefined, latency: undefined }), gigabit);
});

test("withOverrides throws the parser's LinkError for a bad value", () => {
  assert.throws(() => withOverrides(gigabit, { bandwidth: "-5" }), { name: "LinkError", message: '--bandwidth must be a positive rate like 1Gbit or 125MB/s, not "-5"' });
  assert.throws(() => withOverrides(gigabit, { latency: "0" }), { name: "LinkError", message: '--latency must be a positive time like 50us or 0.2ms, not "0"' });
});

test("a negative payload is a programming error, not a link error", () => {
  assert.throws(() => wireMicros(gigabit, -1), RangeError);
  assert.throws(() => new LinkPipe(gigabit).send(Number.NaN, PAGE), RangeError);
});

test("--protocol replaces the software cost a message end: a message arrives that much later, its wire time the same", () => {
  const slow = withOverrides(gigabit, { protocol: "0.1ms" });
  assert.equal(slow.protocolMicros, 100);
  assert.match(slow.description, /overridden: protocol 100 us a message end/);
  near(new LinkPipe(slow).send(0, PAGE) - new LinkPipe(gigabit).send(0, PAGE), 100 - gigabit.protocolMicros, 1e-9, "later by the difference in protocol cost");
  assert.equal(wireMicros(slow, PAGE), wireMicros(gigabit, PAGE));
  assert.throws(() => withOverrides(gigabit, { protocol: "fast" }), { name: "LinkError", message: '--protocol must be a positive time like 50us or 0.2ms, not "fast"' });
});
