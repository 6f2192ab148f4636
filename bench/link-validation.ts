// `remora validate-link`: the link model against a real, rate-shaped link (issue 16).
//
// Two network namespaces of our own, joined by a veth pair: the client (a remora run) in one, a
// redis-server holding its pages in the other. Both ends of the veth get a tc token bucket (tbf)
// at the link's rate; ATM's cells are counted with tbf's `linklayer atm`. A faulting run
// (ram-disk, one server, no memory engine: a fault is one SET of the victim and one GET of the
// page) measures the real wall time of each page fault, which is put next to the modelled one.
// Traffic goes only between the two namespaces, which are deleted at the end.
//
// What the veth does not have, accounted for here rather than added to the path:
//  - the software of the real path (node, the Redis proxy thread, ioredis, redis-server, the
//    kernel's TCP) is not the link model's 2005-era or U-Net protocol cost. It is measured on the
//    unshaped veth (the software floor) and the model's protocolMicros is calibrated to it
//    ("modelled, calibrated"); the shaped runs then test the rate-dependent part of the model.
//  - the model's per-hop latency (switch and cable, 5 or 10 us) has no counterpart: netem is
//    missing from these kernels and a veth has none. It is part of the calibrated fixed part.
//  - a token bucket lets the first frame of a message through at once when it is full, as it
//    is between faults: the shaped link is faster than a wire by one frame a message (stated in
//    the report, not corrected).
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { LINKS } from "../host/links/index.ts";
import { formatBandwidth, parseBandwidth, type LinkModel } from "../host/links/link.ts";
import { packageModule, workerExecArgv } from "../host/paths.ts";
import { run } from "../host/run.ts";
import { REDIS_SERVER } from "../host/servers/redis.ts";
import type { ValidationJob } from "./link-validation-run.ts";
import { dashboardHtml, readResults } from "./web/page.ts";

export interface LinkValidationOptions {
  links: string[];
  workload: string;
  size: string;
  localPages: number;
  /** Runs of each configuration, interleaved; the median of their mean fault latencies counts. */
  repetitions: number;
  onProgress?: (line: string) => void;
}

export interface LinkValidationRow {
  link: string;
  /** The tc qdisc both ends of the veth had. */
  shaping: string;
  /** Real wall time of a page fault: median over the repetitions of each run's mean, p50, p99. */
  measuredMeanMicros: number;
  measuredP50Micros: number;
  measuredP99Micros: number;
  /** Modelled mean fault latency with the link's datasheet parameters. */
  modelledMicros: number;
  /** The same with protocolMicros calibrated to the software floor. */
  calibratedMicros: number;
  calibratedProtocolMicros: number;
  /** measured / modelled, and measured / calibrated. */
  ratio: number;
  calibratedRatio: number;
  /** What the shaping added: measured minus the floor, and the calibrated model minus its value on
   *  the unshaped veth. */
  measuredAddedMicros: number;
  modelledAddedMicros: number;
  /** The calibrated model on the unshaped veth: the floor, if the calibration holds. */
  calibratedUnshapedMicros: number;
  /** The same from the medians (p50) of the fault latencies: less sensitive to a preempted run. */
  measuredAddedP50Micros: number;
  /** One frame's time at the link's rate: what the token bucket lets through free a message. */
  bucketCreditMicros: number;
  /** What the shaped veth should add by the model: modelledAddedMicros less the bucket's credit
   *  for the two messages that carry a page (the victim up, the page down). */
  expectedAddedMicros: number;
}

export interface LinkValidationReport {
  experiment: "link-validation";
  title: string;
  command: string;
  workload: string;
  size: string;
  localPages: number;
  faults: number;
  repetitions: number;
  /** Mean fault latency on the unshaped veth: the real path's own software; and its p50. */
  floorMicros: number;
  floorP50Micros: number;
  /** The veth's rate assumed for the model of the unshaped runs. */
  unshapedRate: string;
  rows: LinkValidationRow[];
  machine: { cpus: string; node: string };
}

/** Why validate-link cannot run here (root, iproute2, redis-server, namespaces), or null. */
export function linkValidationProblem(): string | null {
  if (process.getuid?.() !== 0) return "validate-link needs root (it makes network namespaces and shapes a veth with tc): skipped";
  for (const [tool, args] of [["ip", ["-V"]], ["tc", ["-V"]]] as const) {
    const r = spawnSync(tool, args, { stdio: "ignore", timeout: 5000 });
    if (r.error !== undefined || r.status !== 0) return `validate-link needs iproute2 (${tool} is missing; Debian: apt-get install iproute2): skipped`;
  }
  const r = spawnSync(REDIS_SERVER, ["--version"], { stdio: "ignore", timeout: 5000 });
  if (r.error !== undefined || r.status !== 0) return `validate-link needs ${REDIS_SERVER} (Debian: apt-get install redis-server): skipped`;
  // Root is not always enough (a container without CAP_NET_ADMIN, a kernel without tbf): try both.
  const probe = `remora-lv-probe-${process.pid}`;
  try {
    sh(["ip", "netns", "add", probe]);
    sh(["tc", "-n", probe, "qdisc", "add", "dev", "lo", "root", "tbf", "rate", "1mbit", "burst", "1600", "latency", "10ms"]);
  } catch (e) {
    return `validate-link cannot make a network namespace with a tc token bucket here (${(e as Error).message}): skipped`;
  } finally {
    spawnSync("ip", ["netns", "del", probe], { stdio: "ignore", timeout: 10000 });
  }
  return null;
}

// The veth's unshaped rate, for the model of the unshaped runs: far above every link model, so
// its wire time is a fraction of a microsecond and the floor is all software.
const UNSHAPED_RATE = "100Gbit";
const SERVER_ADDR = "10.231.0.2";
const CLIENT_ADDR = "10.231.0.1";
const REDIS_PORT = 6379;
const ETHERNET_HEADER_BYTES = 14; // what tbf counts of a frame beyond its IP packet on a veth
const VETH_MTU = 1500;

/** Cells, not frames: the link carries 53-byte cells of 48 bytes of payload (ATM). */
const isAtm = (link: LinkModel) => link.mtuBytes === 48 && link.frameOverheadBytes === 5;

/** The tbf arguments that make a veth end send at the link's rate, its bucket one frame deep. */
function tbfFor(link: LinkModel): { args: string[]; frameBytes: number } {
  const bits = Math.round(link.bytesPerSecond * 8);
  const frame = VETH_MTU + ETHERNET_HEADER_BYTES;
  const frameBytes = isAtm(link) ? Math.ceil(frame / 48) * 53 : frame;
  return {
    args: ["rate", `${bits}bit`, "burst", String(frameBytes), "latency", "100ms", ...(isAtm(link) ? ["linklayer", "atm"] : [])],
    frameBytes,
  };
}

function sh(args: string[]): void {
  const r = spawnSync(args[0], args.slice(1), { encoding: "utf8", timeout: 10000 });
  if (r.error !== undefined || r.status !== 0) {
    throw new Error(`${args.join(" ")}: ${(r.stderr || r.error?.message || `exit ${r.status}`).trim()}`);
  }
}

/** The two namespaces and the veth between them; remove() deletes both (and so the veth). */
function makeNetwork() {
  const tag = String(process.pid);
  const client = `remora-lv-c-${tag}`;
  const server = `remora-lv-s-${tag}`;
  const clientDev = `rlvc${tag}`;
  const serverDev = `rlvs${tag}`;
  const remove = () => {
    for (const ns of [client, server]) spawnSync("ip", ["netns", "del", ns], { stdio: "ignore", timeout: 10000 });
  };
  try {
    sh(["ip", "netns", "add", client]);
    sh(["ip", "netns", "add", server]);
    sh(["ip", "link", "add", clientDev, "netns", client, "type", "veth", "peer", "name", serverDev, "netns", server]);
    sh(["ip", "-n", client, "addr", "add", `${CLIENT_ADDR}/30`, "dev", clientDev]);
    sh(["ip", "-n", server, "addr", "add", `${SERVER_ADDR}/30`, "dev", serverDev]);
    for (const [ns, dev] of [[client, clientDev], [server, serverDev]]) {
      sh(["ip", "-n", ns, "link", "set", dev, "mtu", String(VETH_MTU), "up"]);
      sh(["ip", "-n", ns, "link", "set", "lo", "up"]);
    }
  } catch (e) {
    remove();
    throw e;
  }
  const ends = [[client, clientDev], [server, serverDev]];
  return {
    client, server, remove,
    shape(tbf: string[] | null): void {
      for (const [ns, dev] of ends) {
        if (tbf === null) spawnSync("tc", ["-n", ns, "qdisc", "del", "dev", dev, "root"], { stdio: "ignore", timeout: 10000 });
        else sh(["tc", "-n", ns, "qdisc", "replace", "dev", dev, "root", "tbf", ...tbf]);
      }
    },
  };
}

/** redis-server in the server's namespace, no persistence; resolves once it answers. */
async function startRedis(ns: string) {
  const child = spawn("ip", ["netns", "exec", ns, REDIS_SERVER, "--port", String(REDIS_PORT), "--bind", SERVER_ADDR,
    "--save", "", "--appendonly", "no", "--protected-mode", "no"], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d) => { output += d; });
  child.stderr.on("data", (d) => { output += d; });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server in ${ns} did not start in 10 s: ${output.trim().slice(-300)}`)), 10000);
    const check = () => { if (/Ready to accept connections/.test(output)) { clearTimeout(timer); resolve(); } };
    child.stdout.on("data", check);
    child.once("exit", (code) => { clearTimeout(timer); reject(new Error(`redis-server in ${ns} exited (${code}): ${output.trim().slice(-300)}`)); });
  });
  return { stop: () => { child.kill("SIGKILL"); } };
}

interface Measured { verified: boolean; faults: number; measuredMicros: { mean: number; p50: number; p99: number }; modelledMicros: { mean: number } }

/** One faulting run in the client's namespace (bench/link-validation-run.ts). */
function measure(ns: string, job: ValidationJob): Promise<Measured> {
  const script = packageModule("bench/link-validation-run").pathname;
  return new Promise((resolve, reject) => {
    const child = spawn("ip", ["netns", "exec", ns, process.execPath, ...workerExecArgv(true), script, JSON.stringify(job)],
      { stdio: ["ignore", "pipe", "pipe"], timeout: 600_000 });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => { out += d; });
    child.stderr.on("data", (d) => { err += d; });
    child.once("exit", (code) => {
      const line = out.trim().split("\n").pop() ?? "";
      if (code !== 0) return reject(new Error(`the run over ${job.link} failed (exit ${code}): ${err.trim().split("\n").pop() ?? ""}`));
      try {
        const r = JSON.parse(line) as Measured;
        if (!r.verified) return reject(new Error(`the run over ${job.link} was not verified: its checksum differs from the plain run's`));
        resolve(r);
      } catch {
        reject(new Error(`the run over ${job.link} printed no result: ${line.slice(0, 200)}`));
      }
    });
  });
}

/** The modelled mean fault latency of the same run (in process: modelled figures do not depend on
 *  the transport), with link overrides. */
async function modelled(o: LinkValidationOptions, link: string, overrides: { bandwidth?: string; protocol?: string } = {}): Promise<number> {
  const r = await run({
    workload: o.workload, size: o.size as "tiny", policy: "ram-disk", link, localPages: o.localPages,
    servers: 1, memoryEngine: false, ...overrides,
  });
  if (r.faultLatencyMicros === null) throw new Error(`${o.workload} at size ${o.size} with ${o.localPages} local pages makes no page faults`);
  return r.faultLatencyMicros.mean;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function validateLink(o: LinkValidationOptions): Promise<LinkValidationReport> {
  for (const l of o.links) if (!(l in LINKS)) throw new Error(`unknown link "${l}": choose from ${Object.keys(LINKS).join(", ")}`);
  const net = makeNetwork();
  let redis: { stop(): void } | null = null;
  const cleanUp = () => { redis?.stop(); net.remove(); };
  const onSignal = () => { cleanUp(); process.exit(130); };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    redis = await startRedis(net.server);
    const job = (link: string): ValidationJob => ({ url: `redis://${SERVER_ADDR}:${REDIS_PORT}`, link, workload: o.workload, size: o.size, localPages: o.localPages });
    const configs: Array<{ name: string; link: string; tbf: string[] | null }> = [
      { name: "unshaped", link: o.links[0] ?? "gigabit", tbf: null },
      ...o.links.map((link) => ({ name: link, link, tbf: tbfFor(LINKS[link]).args })),
    ];
    const runs = new Map<string, Measured[]>(configs.map((c) => [c.name, []]));
    // Interleaved, so that each configuration sees the machine in the same states.
    for (let rep = 0; rep < o.repetitions; rep++) {
      for (const c of configs) {
        net.shape(c.tbf);
        const r = await measure(net.client, job(c.link));
        runs.get(c.name)!.push(r);
        o.onProgress?.(`${c.name} ${rep + 1}/${o.repetitions}: ${r.faults} faults, mean ${r.measuredMicros.mean.toFixed(1)} us`);
      }
    }
    net.shape(null);
    const stat = (name: string, f: (m: Measured) => number) => median(runs.get(name)!.map(f));
    const floor = stat("unshaped", (m) => m.measuredMicros.mean);
    const floorP50 = stat("unshaped", (m) => m.measuredMicros.p50);
    const rows: LinkValidationRow[] = [];
    for (const link of o.links) {
      const model = LINKS[link];
      const datasheet = await modelled(o, link);
      // The model's fault latency grows by 2 us per us of protocol cost (the client's send and the
      // server's reply: link.ts charges the sender). Calibrate it so that the unshaped veth's model
      // equals the floor; checked below by running the model at the calibrated value.
      const fast = await modelled(o, link, { bandwidth: UNSHAPED_RATE });
      const protocol = model.protocolMicros + (floor - fast) / 2;
      if (!(protocol > 0)) throw new Error(`the unshaped fault latency, ${floor.toFixed(1)} us, is below the model's fixed part over ${link}: nothing to calibrate`);
      const calibrated = await modelled(o, link, { protocol: `${protocol}us` });
      const calibratedFast = await modelled(o, link, { protocol: `${protocol}us`, bandwidth: UNSHAPED_RATE });
      const measuredMean = stat(link, (m) => m.measuredMicros.mean);
      const { args, frameBytes } = tbfFor(model);
      const credit = (frameBytes / model.bytesPerSecond) * 1e6;
      rows.push({
        link,
        shaping: `tbf ${args.join(" ")}`,
        measuredMeanMicros: measuredMean,
        measuredP50Micros: stat(link, (m) => m.measuredMicros.p50),
        measuredP99Micros: stat(link, (m) => m.measuredMicros.p99),
        modelledMicros: datasheet,
        calibratedMicros: calibrated,
        calibratedProtocolMicros: protocol,
        ratio: measuredMean / datasheet,
        calibratedRatio: measuredMean / calibrated,
        measuredAddedMicros: measuredMean - floor,
        modelledAddedMicros: calibrated - calibratedFast,
        calibratedUnshapedMicros: calibratedFast,
        measuredAddedP50Micros: stat(link, (m) => m.measuredMicros.p50) - floorP50,
        bucketCreditMicros: credit,
        expectedAddedMicros: calibrated - calibratedFast - 2 * credit,
      });
    }
    const first = runs.get("unshaped")![0];
    return {
      experiment: "link-validation",
      title: "The link model against a rate-shaped veth: page-fault latency, measured and modelled",
      command: `./bin/remora validate-link --links ${o.links.join(",")} --workload ${o.workload} --size ${o.size} --local-pages ${o.localPages} --repetitions ${o.repetitions}`,
      workload: o.workload,
      size: o.size,
      localPages: o.localPages,
      faults: first.faults,
      repetitions: o.repetitions,
      floorMicros: floor,
      floorP50Micros: floorP50,
      unshapedRate: formatBandwidth(parseBandwidth(UNSHAPED_RATE)),
      rows,
      machine: { cpus: `${cpus().length} x ${cpus()[0]?.model ?? "?"}`, node: process.version },
    };
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    cleanUp();
  }
}

/** Writes DIR/link-validation.json, and DIR/dashboard.html again so that the page opened from
 *  disk draws it too. */
export function writeLinkValidation(dir: string, report: LinkValidationReport): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "link-validation.json");
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, "dashboard.html"), dashboardHtml(readResults(dir), null));
  return path;
}
