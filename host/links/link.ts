// A link model: one network hop, as a datasheet would describe it, and the cost of moving one
// message across it. Times in microseconds, sizes in bytes, rates in bytes per second.
//
// The cost of one message of `payloadBytes` sent at time `now` on an idle hop:
//
//   now --protocolMicros--> enters the pipe --wireMicros--> last bit sent --latencyMicros--> arrived
//       (sender's software)                  (serialisation:                (propagation and
//                                             payload + headers             switching; overlaps
//                                             of every frame)               the next message)
//
// A pipe is busy only for wireMicros: latency is in flight, so messages pipeline behind each other.

export interface LinkModel {
  name: string;
  description: string;
  /** Raw data rate of the wire (after line coding), bytes per second. */
  bytesPerSecond: number;
  /** One-way propagation + switching per hop: from a frame's last bit sent to its last bit received. */
  latencyMicros: number;
  /** Largest packet a frame carries, headers of packetHeaderBytes included (1500; 9000 jumbo). */
  mtuBytes: number;
  /** Network + transport headers inside each packet, counted against the MTU (IP + TCP: 40). */
  packetHeaderBytes: number;
  /** Per-frame bytes outside the MTU: Ethernet header + FCS + preamble + inter-frame gap (38). */
  frameOverheadBytes: number;
  /** Software cost of sending or receiving one message at one end (system call, stack, interrupt). */
  protocolMicros: number;
  /** Where each number comes from. */
  assumptions: string[];
}

/** A bad --bandwidth or --latency; the message quotes the text it could not use. */
export class LinkError extends Error {
  override name = "LinkError";
}

/** Frames needed for one message: each carries up to mtu - packetHeaderBytes of payload; at least one. */
export function framesFor(link: LinkModel, payloadBytes: number): number {
  checkPayload(payloadBytes);
  return Math.max(1, Math.ceil(payloadBytes / (link.mtuBytes - link.packetHeaderBytes)));
}

/** Bytes on the wire for one message: payload + every frame's headers and framing. */
export function wireBytes(link: LinkModel, payloadBytes: number): number {
  return payloadBytes + framesFor(link, payloadBytes) * (link.packetHeaderBytes + link.frameOverheadBytes);
}

/** Serialisation time of one message: wireBytes / rate. Independent of latency and protocol cost.
 *  4 KiB on gigabit: 3 frames, 4096 + 3 x 78 = 4330 B -> 34.64 us. */
export function wireMicros(link: LinkModel, payloadBytes: number): number {
  return (wireBytes(link, payloadBytes) / link.bytesPerSecond) * 1e6;
}

/**
 * One direction of one hop, first in first out. What send() charges, and where:
 *  - protocolMicros once, at the sender, before the message enters the pipe (the sender's software
 *    runs concurrently with earlier messages still on the wire, so it does not occupy the pipe);
 *  - wireMicros in the pipe: the message starts when it is ready and the pipe is free,
 *    start = max(now + protocolMicros, busyUntil), and holds the pipe until start + wireMicros;
 *  - latencyMicros after its last bit, when it arrives.
 * The receiving end's software cost is not charged: a caller that models it adds
 * link.protocolMicros to the arrival time.
 */
export class LinkPipe {
  private busyUntil = 0;

  constructor(readonly link: LinkModel) {}

  /** Sends `payloadBytes` at `nowMicros`; returns when its last bit arrives at the other end. */
  send(nowMicros: number, payloadBytes: number): number {
    if (!Number.isFinite(nowMicros)) throw new RangeError(`send time must be a finite number of microseconds, not ${nowMicros}`);
    const start = Math.max(nowMicros + this.link.protocolMicros, this.busyUntil);
    this.busyUntil = start + wireMicros(this.link, payloadBytes);
    return this.busyUntil + this.link.latencyMicros;
  }

  /** When the pipe finishes sending what it has been given (0 when unused). */
  get busyUntilMicros(): number {
    return this.busyUntil;
  }

  /** An idle pipe, as at time 0. */
  reset(): void {
    this.busyUntil = 0;
  }
}

// --bandwidth syntax: a number, an optional SI prefix (k or K = 1e3, M = 1e6, G = 1e9, T = 1e12;
// decimal, as network rates are) and a unit. Lower-case b is bits, upper-case B is bytes:
//   bits per second:  bit  bits  bit/s  bits/s  b/s  bps     (1Gbit, 100Mbit, 10Gb/s, 25Gbps)
//   bytes per second: B/s  Bps  byte/s  bytes/s              (125MB/s, 3.125GB/s)
// A bare number (text or a JavaScript number) is bits per second. A prefix needs a unit.
const RATE = /^\s*((?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(?:([kKMGT]?)(bits?\/s|bits?|bps|b\/s|B\/s|Bps|bytes?\/s))?\s*$/;
const PREFIX: Record<string, number> = { "": 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12 };

// --latency syntax: a number and a unit, ns, us (or µs), ms or s; a bare number is microseconds.
const TIME = /^\s*((?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(ns|us|\u00b5s|\u03bcs|ms|s)?\s*$/;
const TIME_UNIT_MICROS: Record<string, number> = { ns: 1e-3, us: 1, "\u00b5s": 1, "\u03bcs": 1, ms: 1e3, s: 1e6 };

/** "1Gbit", "10Gb/s", "125MB/s", 1e9 (bits per second) -> bytes per second. */
export function parseBandwidth(value: string | number): number {
  const bad = () => new LinkError(`--bandwidth must be a positive rate like 1Gbit or 125MB/s, not "${value}"`);
  let bytesPerSecond: number;
  if (typeof value === "number") {
    bytesPerSecond = value / 8;
  } else {
    const m = RATE.exec(value);
    if (!m) throw bad();
    const [, number, prefix = "", unit = "bit"] = m;
    const perUnit = unit.startsWith("B") || unit.startsWith("byte") ? 1 : 1 / 8;
    bytesPerSecond = Number(number) * PREFIX[prefix] * perUnit;
  }
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) throw bad();
  return bytesPerSecond;
}

/** "50us", "0.2ms", 50 (microseconds) -> microseconds. */
export function parseLatency(value: string | number): number {
  return parseTime("--latency", value);
}

function parseTime(option: string, value: string | number): number {
  const bad = () => new LinkError(`${option} must be a positive time like 50us or 0.2ms, not "${value}"`);
  let micros: number;
  if (typeof value === "number") {
    micros = value;
  } else {
    const m = TIME.exec(value);
    if (!m) throw bad();
    micros = Number(m[1]) * TIME_UNIT_MICROS[m[2] ?? "us"];
  }
  if (!Number.isFinite(micros) || micros <= 0) throw bad();
  return micros;
}

/** 125e6 bytes per second -> "1 Gbit/s". */
export function formatBandwidth(bytesPerSecond: number): string {
  const bits = bytesPerSecond * 8;
  for (const [prefix, scale] of [["T", 1e12], ["G", 1e9], ["M", 1e6], ["k", 1e3]] as const) {
    if (bits >= scale) return `${+(bits / scale).toPrecision(6)} ${prefix}bit/s`;
  }
  return `${+bits.toPrecision(6)} bit/s`;
}

export interface LinkOverrides {
  /** A rate as parseBandwidth reads it; undefined keeps the model's. */
  bandwidth?: string | number;
  /** A time as parseLatency reads it; undefined keeps the model's. */
  latency?: string | number;
  /** Frame size in bytes: 1500, or 9000 for jumbo frames; undefined keeps the model's. */
  mtu?: string | number;
  /** Software cost a message end, a time as parseLatency reads it; undefined keeps the model's. */
  protocol?: string | number;
}

/** A copy of `link` with --bandwidth and --latency applied; each override is noted in the
 *  description and the assumptions, so a printed configuration shows it. */
export function withOverrides(link: LinkModel, overrides: LinkOverrides): LinkModel {
  const out: LinkModel = { ...link, assumptions: [...link.assumptions] };
  const notes: string[] = [];
  if (overrides.bandwidth !== undefined) {
    out.bytesPerSecond = parseBandwidth(overrides.bandwidth);
    notes.push(`bandwidth ${formatBandwidth(out.bytesPerSecond)}`);
    out.assumptions.push(`--bandwidth ${overrides.bandwidth}: ${formatBandwidth(out.bytesPerSecond)} instead of the model's ${formatBandwidth(link.bytesPerSecond)}`);
  }
  if (overrides.latency !== undefined) {
    out.latencyMicros = parseLatency(overrides.latency);
    notes.push(`latency ${out.latencyMicros} us`);
    out.assumptions.push(`--latency ${overrides.latency}: ${out.latencyMicros} us one way instead of the model's ${link.latencyMicros} us`);
  }
  if (overrides.mtu !== undefined) {
    const mtu = Number(overrides.mtu);
    if (!Number.isInteger(mtu) || mtu <= link.packetHeaderBytes || mtu > 65536) {
      throw new LinkError(`--mtu must be a frame size in bytes larger than the ${link.packetHeaderBytes}-byte headers (1500, or 9000 for jumbo frames), not "${overrides.mtu}"`);
    }
    out.mtuBytes = mtu;
    notes.push(`MTU ${mtu}`);
    out.assumptions.push(`--mtu ${mtu}: frames of ${mtu} bytes instead of the model's ${link.mtuBytes}`);
  }
  if (overrides.protocol !== undefined) {
    out.protocolMicros = parseTime("--protocol", overrides.protocol);
    notes.push(`protocol ${out.protocolMicros} us a message end`);
    out.assumptions.push(`--protocol ${overrides.protocol}: ${out.protocolMicros} us of software a message end instead of the model's ${link.protocolMicros} us`);
  }
  if (notes.length > 0) out.description = `${link.description}; overridden: ${notes.join(", ")}`;
  return out;
}

function checkPayload(payloadBytes: number): void {
  if (!Number.isFinite(payloadBytes) || payloadBytes < 0) {
    throw new RangeError(`a message's payload must be a non-negative number of bytes, not ${payloadBytes}`);
  }
}
