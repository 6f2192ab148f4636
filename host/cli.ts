// The command line: remora run | list | bench | demo | compare-counters | reproduce | dashboard. Errors are one line on stderr and a
// non-zero exit; REMORA_DEBUG=1 adds the stack.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Command, CommanderError, Option } from "commander";
// bench, reproduce and the dashboard are imported when their command runs: `remora --help`,
// `list` and `run` start without them.
import type { BenchReport } from "../bench/bench.ts";
import { REFERENCE_CORE } from "./compression/codec.ts";
import { CODECS, COMPRESS_CHOICES } from "./compression/index.ts";
import { ConfigError, REPLACEMENTS, resolveConfig, type RunConfig, type RunOptions } from "./config.ts";
import { DISKS } from "./disks/index.ts";
import { LINKS } from "./links/index.ts";
import { wireMicros } from "./links/link.ts";
import { PageLostError } from "./memory-engine/memory-engine.ts";
import { PLACEMENTS } from "./memory-engine/placement.ts";
import { POLICIES } from "./policies/index.ts";
import { PRESETS } from "./presets/index.ts";
import { TRANSPORTS } from "./servers/protocol.ts";
import { startRedisServers } from "./servers/redis.ts";
import { prepare, useDiskCache } from "./modules.ts";
import { run, type Figures, type RunResult } from "./run.ts";
import { parseDir, parseEnv, runCommand } from "./wasi/command.ts";
import { formatTable, formatBytes } from "./table.ts";
import { SIZES } from "../workloads/spec.ts";
import { WORKLOADS } from "../workloads/index.ts";

const program = new Command("remora")
  .description("emulate remote-memory paging hardware under unmodified WebAssembly programs")
  .exitOverride()
  .configureOutput({ outputError: (str, write) => write(`remora: ${str.replace(/^error: /, "")}`) });

/** Commander's way of collecting a repeatable option. */
const collect = (value: string, previous: string[]) => [...previous, value];

/** The result JSON: every field of RunResult, without the engine's internals. */
function resultJson(r: RunResult & { engine?: unknown }): RunResult {
  const { engine: _engine, ...rest } = r;
  return rest;
}

program
  .command("run")
  .description("run one workload, a .wasm file exporting run(n, seed), or a WASI command under a policy")
  .usage("[options] <workload | FILE.wasm> [-- program args...]")
  .argument("<workload>", `one of ${Object.keys(WORKLOADS).join(", ")}, or FILE.wasm`)
  .argument("[args...]", "a WASI command's arguments (after --)")
  .addOption(new Option("--size <size>", "workload size").choices(SIZES).default("small"))
  .option("--n <n>", "size parameter passed to run(n, seed); overrides --size")
  .addOption(new Option("--policy <policy>", "where non-local pages live").choices(Object.keys(POLICIES)).default("disk"))
  .option("--local-mem <bytes>", "local memory, e.g. 4MiB (default: the preset's)")
  .option("--local-pages <n>", "local memory in pages")
  .option("--page-size <bytes>", "page size, e.g. 4096 or 8KiB (default: the preset's)")
  .addOption(new Option("--replacement <r>", "page replacement").choices(REPLACEMENTS).default("lru"))
  .addOption(new Option("--preset <name>", "machine preset").choices(Object.keys(PRESETS)).default("default"))
  .addOption(new Option("--disk <name>", "disk model (default: the preset's)").choices(Object.keys(DISKS)))
  .addOption(new Option("--link <name>", "network to the memory servers (default: the preset's)").choices(Object.keys(LINKS)))
  .option("--bandwidth <rate>", "override the link's bandwidth, e.g. 1Gbit or 125MB/s")
  .option("--latency <time>", "override the link's one-way latency per hop, e.g. 50us")
  .option("--mtu <bytes>", "override the link's frame size: 1500, or 9000 for jumbo frames")
  .option("--protocol <time>", "override the link's software cost a message end (system call, stack, interrupt), e.g. 20us")
  .option("--servers <n>", "memory servers (default: the preset's)")
  .option("--server-mem <bytes>", "memory each server offers, e.g. 64MiB (default: the preset's)")
  .addOption(new Option("--placement <p>", "how the memory engine spreads pages").choices(Object.keys(PLACEMENTS)).default("round-robin"))
  .addOption(new Option("--reply <path>", "server replies through the engine or straight to the client").choices(["via-engine", "direct"]).default("via-engine"))
  .addOption(new Option("--transport <t>", "how pages really move to the memory servers: in place, RDMA-style, by requests the server threads answer, or to Redis instances (real time only)").choices(TRANSPORTS).default("one-sided"))
  .option("--server-url <url>", "--transport redis: a Redis (or Valkey) 7+ instance redis://HOST:PORT[/DB] as a memory server (repeatable: the URLs are the servers; none: remora starts local redis-server processes)", collect, [])
  .option("--connect-timeout <seconds>", "--transport redis: how long connecting to an instance, and each command, may take", "2")
  .option("--keep-pages", "--transport redis: leave the run's pages in the instances at the end (for inspection)")
  .addOption(new Option("--memory-engine <on|off>", "page through a memory engine, or straight to the servers (default: the preset's)").choices(["on", "off"]))
  .option("--engine-cache <bytes>", "page cache at the memory engine, e.g. 1MiB", "0")
  .addOption(new Option("--compress <codec>", "disk, ram-disk: store and carry pages compressed").choices(COMPRESS_CHOICES).default("none"))
  .option("--redundancy <r>", "ram-disk: how servers keep each page: none, replicate:K (K copies on K servers), ec:D+P (Reed–Solomon: D data and P parity fragments on D+P servers)", "none")
  .option("--fail-server <I@N>", "ram-disk: memory server I (from 0) crashes after the client's N-th page transfer (repeatable)", collect, [])
  .option("--server-timeout <seconds>", "threads: how long a request to a memory server may wait before the server counts as failed", "10")
  .option("--counter <n|auto>", "COUNTERS: initial value of each remote page's reference counter; auto: the break-even value of the preset, link and policy", "256")
  .option("--prefetch <p>", "disk, ram-disk: bring pages in ahead of use after each fault: none, readahead:N (Linux swap readahead), leap (Leap's majority stride)", "none")
  .option("--seed <n>", "input seed", "1")
  .option("--dir <HOST:GUEST>", "WASI: let the program see HOST at GUEST, its writes going to HOST (repeatable)", collect, [])
  .option("--dir-copy <HOST:GUEST>", "WASI: let the program see a private copy of HOST at GUEST, HOST left as it is (repeatable)", collect, [])
  .option("--env <KEY=VALUE>", "WASI: an environment variable of the program (repeatable)", collect, [])
  .option("--quiet", "WASI: print only the program's output, not remora's summary")
  .option("--json", "print one JSON object on stdout (a WASI program's output goes into its fields stdout, stderr)")
  .option("--no-cache", "instrument the module again: neither read nor write the cache of instrumented modules ($REMORA_CACHE or ~/.cache/remora)")
  .action(async (workload: string, programArgs: string[], o) => {
    useDiskCache(o.cache);
    const options: RunOptions = {
      workload, size: o.size, n: o.n, policy: o.policy, localMem: o.localMem, localPages: o.localPages,
      pageSize: o.pageSize, replacement: o.replacement, preset: o.preset, disk: o.disk, seed: o.seed,
      link: o.link, bandwidth: o.bandwidth, latency: o.latency, mtu: o.mtu, protocol: o.protocol, servers: o.servers, serverMem: o.serverMem,
      placement: o.placement, reply: o.reply, transport: o.transport, engineCache: o.engineCache, counter: o.counter,
      serverUrl: o.serverUrl.length > 0 ? o.serverUrl : undefined, connectTimeout: o.connectTimeout, keepPages: o.keepPages,
      prefetch: o.prefetch,
      compress: o.compress === "none" ? undefined : o.compress,
      redundancy: o.redundancy === "none" ? undefined : o.redundancy,
      failServer: o.failServer.length > 0 ? o.failServer : undefined,
      serverTimeout: o.serverTimeout === "10" ? undefined : o.serverTimeout,
      memoryEngine: o.memoryEngine === undefined ? undefined : o.memoryEngine === "on",
    };
    if ((await prepare(resolveConfig(options))).kind === "command") {
      await runCommandCli(options, programArgs, o);
      return;
    }
    if (programArgs.length > 0 || o.dir.length > 0 || o.dirCopy.length > 0 || o.env.length > 0) {
      throw new ConfigError(`program arguments, --dir, --dir-copy and --env are for WASI commands; ${workload} is a workload with run(n, seed)`);
    }
    const r = await run(options);
    if (o.json) {
      process.stdout.write(`${JSON.stringify(resultJson(r))}\n`);
    } else {
      printRun(r);
    }
    if (!r.verified) {
      process.stderr.write(`remora: the checksum ${r.checksum} differs from the native run's ${r.nativeChecksum}: the emulation changed the result\n`);
      process.exitCode = 3;
    }
  });

/** A WASI command: its output passes through as it is written (or into the JSON), remora's
 *  summary goes to stderr, and the exit code is the program's. */
async function runCommandCli(options: RunOptions, args: string[], o: { dir: string[]; dirCopy: string[]; env: string[]; quiet?: boolean; json?: boolean }): Promise<void> {
  const r = await runCommand(options, {
    args,
    env: Object.fromEntries(o.env.map(parseEnv)),
    dirs: [...o.dir.map((d) => parseDir(d)), ...o.dirCopy.map((d) => parseDir(d, "--dir-copy"))],
    onStdout: o.json ? undefined : (b) => process.stdout.write(b),
    onStderr: o.json ? undefined : (b) => process.stderr.write(b),
  });
  if (o.json) {
    const { engine: _engine, ...rest } = r;
    process.stdout.write(`${JSON.stringify(rest)}\n`);
  } else {
    if (r.trap !== null) process.stderr.write(`remora: the program trapped: ${r.trap}\n`);
    if (!o.quiet) {
      process.stderr.write(`\n${figureLines(r, [
        ["program", `${r.program} ${r.args.join(" ")}`.trim()],
        ["exit code", `${r.exitCode}${r.trap !== null ? " (trapped)" : ""}`],
      ]).join("\n")}\n`);
    }
  }
  process.exitCode = r.exitCode;
}

function printRun(r: RunResult): void {
  const c = r.config;
  const lines = figureLines(r, [
    ["workload", `${r.workload} (${r.size ?? "file"}, n=${c.n}, seed ${c.seed})`],
    ["checksum", `${r.checksum} (native ${r.nativeChecksum}) ${r.verified ? "verified" : "MISMATCH"}`],
  ], ` (native ${r.nativeWallSeconds.toFixed(3)} s)`);
  console.log(lines.join("\n"));
}

/** The summary of a run: what ran (`head`), then the policy and the figures, one per line. */
function figureLines(r: Figures & { config: RunConfig; policy: string }, head: [string, string][], wallNote = ""): string[] {
  const c = r.config;
  const lines: [string, string][] = [
    head[0],
    ["policy", `${r.policy}, ${c.replacement} replacement, preset ${c.preset}`],
    ["local memory", r.policy === "local" ? "unbounded" : `${c.localPages} pages of ${c.pageSizeBytes} B = ${formatBytes(c.localMemBytes)}`],
    ...head.slice(1),
    ["accesses", `${r.accesses} (${r.loads} loads, ${r.stores} stores)`],
    ["page faults", `${r.pageFaults} (${r.pageIns} page-ins, ${r.pageOuts} page-outs)`],
    ...(r.remoteAccesses > 0 || r.migrations > 0 || r.counterInitial !== null ? [
      ["remote", `${r.remoteAccesses} remote accesses, ${r.migrations} migrations (counter ${c.counterInitial}${r.counterAuto ? ", the break-even value chosen by --counter auto" : ""})`],
    ] as [string, string][] : []),
    ...(r.prefetchAccuracy !== null ? [
      ["prefetch", `${c.prefetch.arg === null ? c.prefetch.name : `${c.prefetch.name}:${c.prefetch.arg}`}: ${r.prefetched} pages prefetched, ${r.prefetchHits} used (accuracy ${(r.prefetchAccuracy * 100).toFixed(1)}%, coverage ${(r.prefetchCoverage! * 100).toFixed(1)}%)`],
    ] as [string, string][] : []),
    ["disk", `${r.diskReads} reads, ${r.diskWrites} writes`],
    ...(r.compression ? [
      ["compression", `${r.compression.codec}: ratio ${r.compression.compressionRatio.toFixed(2)}, ${r.compression.pagesStoredRaw} of ${r.compression.pagesCompressed} pages stored raw; ${(r.compression.compressMicros / 1e6).toPrecision(4)} s compressing, ${(r.compression.decompressMicros / 1e6).toPrecision(4)} s decompressing (modelled, ${c.compressMicrosPerPage.toFixed(1)} and ${c.decompressMicrosPerPage.toFixed(1)} µs a page)`],
    ] as [string, string][] : []),
    ...(r.policy === "ram-disk" ? [
      ["network", `${r.networkBytes} bytes over ${c.link.name}; pages held by each server: ${r.servers.join(", ")}${r.pagesOnDisk ? `; ${r.pagesOnDisk} on the engine's disk (servers full)` : ""}`],
      ["engine cache", r.engineCacheHitRate === null ? "off" : `${(r.engineCacheHitRate * 100).toFixed(1)}% hits`],
      ...(c.redundancy !== "none" || c.failServers.length > 0 ? [
        ["redundancy", `${c.redundancy}: ${r.redundancyBytes} bytes and ${r.redundancyCycles} cycles beyond none's (modelled); servers held at most ${formatBytes(r.remoteBytesPeak)}`],
        ["failures", `${r.serverFailures} server${r.serverFailures === 1 ? "" : "s"} failed, ${r.pagesRecovered} pages recovered, ${r.pagesLost} lost; recovery ${r.recoveryBytes} bytes, ${r.recoveryCycles} cycles (modelled, in the background)`],
      ] as [string, string][] : []),
      ["server page move", r.faultRoundTripMicros ? `p50 ${r.faultRoundTripMicros.p50.toFixed(2)} µs, p99 ${r.faultRoundTripMicros.p99.toFixed(2)} µs (real, ${r.config.transport}${r.serverUrls.length ? ` to ${r.serverUrls.join(", ")}` : ""})` : "-"],
    ] as [string, string][] : []),
    ["fault latency", r.faultLatencyMicros ? `mean ${r.faultLatencyMicros.mean.toFixed(1)} µs, p50 ${r.faultLatencyMicros.p50.toFixed(1)}, p99 ${r.faultLatencyMicros.p99.toFixed(1)} (modelled)` : "no page-ins"],
    ["modelled time", `${r.modelledCycles} cycles = ${r.modelledSeconds.toPrecision(4)} s at ${c.clockHz / 1e6} MHz`],
    ["avg access cost", `${r.avgAccessCycles.toPrecision(6)} cycles`],
    ["wall time", `${r.wallSeconds.toFixed(3)} s${wallNote}`],
  ];
  return lines.map(([k, v]) => `${k.padEnd(16)} ${v}`);
}

program
  .command("compare-counters")
  .description("hardware and software counters side by side on one workload")
  .argument("<workload>", `one of ${Object.keys(WORKLOADS).join(", ")}`)
  .addOption(new Option("--size <size>", "workload size").choices(SIZES).default("small"))
  .option("--local-mem <bytes>", "local memory, e.g. 1MiB (default: the preset's)")
  .option("--local-pages <n>", "local memory in pages")
  .addOption(new Option("--preset <name>", "machine preset").choices(Object.keys(PRESETS)).default("markatos96"))
  .option("--counter <n|auto>", "initial value of each remote page's counter; auto: each policy's break-even value", "256")
  .option("--seed <n>", "input seed", "1")
  .option("--json", "print one JSON object on stdout")
  .action(async (workload: string, o) => {
    const rows: RunResult[] = [];
    for (const policy of ["counters", "software-counters"]) {
      rows.push(resultJson(await run({
        workload, size: o.size, policy, preset: o.preset, localMem: o.localMem, localPages: o.localPages, counter: o.counter, seed: o.seed,
      })));
    }
    if (o.json) {
      process.stdout.write(`${JSON.stringify({ workload, hardware: rows[0], software: rows[1] })}\n`);
      return;
    }
    console.log(formatTable(["", "modelled cycles", "avg access cycles", "migrations", "remote accesses", "verified", "wall s"], rows.map((r) => [
      r.policy, String(r.modelledCycles), r.avgAccessCycles.toPrecision(5), String(r.migrations), String(r.remoteAccesses),
      r.verified ? "yes" : "NO", r.wallSeconds.toFixed(3),
    ])));
    const counters = rows[0].counterAuto ? `counter auto (${rows[0].counterInitial} hardware, ${rows[1].counterInitial} software)` : `counter ${rows[0].counterInitial}`;
    console.log(`\n${workload} ${o.size}, preset ${o.preset}, ${counters}; software costs ${((rows[1].modelledCycles / rows[0].modelledCycles - 1) * 100).toFixed(1)}% more modelled time.`);
  });

program
  .command("list")
  .description("list workloads, policies, presets, disks and replacement policies")
  .action(async () => {
    console.log("workloads (size parameter n and working set per size):");
    console.log(formatTable(["name", ...SIZES, "access pattern"], Object.values(WORKLOADS).map((w) => [
      w.name, ...SIZES.map((s) => `${w.sizes[s]}: ${formatBytes(w.workingSetBytes(w.sizes[s]))}`), w.accessPattern,
    ])));
    console.log("\npolicies:");
    console.log(formatTable(["name", "description"], Object.values(POLICIES).map((p) => [p.name, p.description])));
    console.log("\npresets:");
    console.log(formatTable(["name", "page", "clock", "local mem", "disk", "link", "fault handling", "servers", "description"], Object.values(PRESETS).map((p) => [
      p.name, formatBytes(p.pageSizeBytes), `${p.clockHz / 1e6} MHz`, formatBytes(p.localMemBytes), p.disk, p.link,
      `${p.faultHandlingMicros} µs`, `${p.servers} x ${formatBytes(p.serverMemBytes)}`, p.description,
    ])));
    console.log("\nlinks:");
    console.log(formatTable(["name", "bandwidth", "latency/hop", "protocol/msg", "MTU", "4 KiB on the wire", "description"], Object.values(LINKS).map((l) => [
      l.name, `${(l.bytesPerSecond * 8 / 1e9).toPrecision(3)} Gb/s`, `${l.latencyMicros} µs`, `${l.protocolMicros} µs`, String(l.mtuBytes),
      `${wireMicros(l, 4096).toFixed(2)} µs`, l.description,
    ])));
    console.log("\ndisks:");
    console.log(formatTable(["name", "seek", "rotation", "rate", "description"], Object.values(DISKS).map((d) => [
      d.name, `${d.seekMillis} ms`, `${d.rotationMillis.toFixed(2)} ms`, `${d.bytesPerSecond / 1e6} MB/s`, d.description,
    ])));
    console.log(`\ncodecs of --compress (speed on ${REFERENCE_CORE}; each preset scales it by its codecSpeedRatio):`);
    console.log(formatTable(["name", "compress", "decompress", "description"], Object.values(CODECS).map((c) => [
      c.name, `${c.compressBytesPerSecond / 1e6} MB/s`, `${c.decompressBytesPerSecond / 1e6} MB/s`, c.description,
    ])));
    console.log(`\nreplacement: ${REPLACEMENTS.join(", ")} (default lru); placement: ${Object.keys(PLACEMENTS).join(", ")} (default round-robin)`);
    const { EXPERIMENTS } = await import("../bench/experiments/index.ts");
    console.log(`experiments of remora reproduce: ${Object.keys(EXPERIMENTS).join(", ")}`);
  });

program
  .command("bench")
  .description("the emulator's own speed: native vs instrumented wall time, real page-fault time; --wasi: C kernels against node:wasi")
  .option("--repetitions <n>", "runs of each side; the median counts", "5")
  .option("--workloads <names>", "comma-separated workloads (default: all)")
  .option("--json", "print one JSON object on stdout")
  .option("--out <dir>", "also write DIR/bench.json, which the dashboard draws")
  .option("--large", "also run each workload whose large size has a working set of 256 MiB or more, under counters with 32 MiB local, once (minutes)")
  .option("--wasi", "instead: C kernels built with clang, by their own timers, under remora (policy local) and plain node:wasi (--out writes DIR/bench-wasi.json)")
  .option("--kernels <dir>", "with --wasi: the folder of kernels (default bench/c; bench/c/held-out is the held-out set)")
  .option("--only <names>", "with --wasi: comma-separated kernels of the folder (default: all)")
  .option("--small", "with --wasi: each kernel at its test size, a quick check (the times mean little)")
  .option("--transports", "instead: pages moved per second and their real round trip by each transport (redis: a local redis-server over loopback), and one paging run under each")
  .action(async (o) => {
    const repetitions = Number(o.repetitions);
    if (!Number.isInteger(repetitions) || repetitions < 1) throw new ConfigError(`--repetitions must be a positive integer, not "${o.repetitions}"`);
    if (o.wasi) {
      await benchWasiCli(o, repetitions);
      return;
    }
    for (const option of ["kernels", "only", "small"]) if (o[option] !== undefined) throw new ConfigError(`--${option} is for bench --wasi`);
    if (o.transports) {
      const { benchTransports, TRANSPORT_RUN } = await import("../bench/transports.ts");
      const rows = await benchTransports(20000, (why) => process.stderr.write(`remora: redis skipped: ${why}\n`));
      if (o.json) {
        process.stdout.write(`${JSON.stringify({ run: TRANSPORT_RUN, rows })}\n`);
        return;
      }
      const fixed = (x: number | undefined, digits = 1) => (x === undefined ? "-" : x.toFixed(digits));
      console.log(formatTable(["transport", "pages/s", "move p50 µs", "p99 µs", `${TRANSPORT_RUN.workload} ${TRANSPORT_RUN.size} wall s`, "pages/s", "p50 µs", "p99 µs", "modelled cycles", "verified"],
        rows.map((r) => [
          r.transport, r.pagesPerSecond.toFixed(0), fixed(r.p50, 2), fixed(r.p99, 2), r.runWallSeconds.toFixed(3), r.runPagesPerSecond.toFixed(0),
          fixed(r.runRoundTripMicros?.p50, 2), fixed(r.runRoundTripMicros?.p99, 2), String(r.modelledCycles), r.verified ? "yes" : "NO",
        ])));
      return;
    }
    const workloads = o.workloads ? String(o.workloads).split(",") : undefined;
    for (const w of workloads ?? []) if (!(w in WORKLOADS)) throw new ConfigError(`unknown workload "${w}": choose from ${Object.keys(WORKLOADS).join(", ")}`);
    const { bench, benchLarge, LARGE_LOCAL_MEM } = await import("../bench/bench.ts");
    const report = await bench({
      repetitions, workloads,
      onRow: o.json ? undefined : (row) => process.stderr.write(`  ${row.workload}: ${row.slowdown.toFixed(2)}x\n`),
    });
    if (o.large) {
      report.large = await benchLarge(o.json ? undefined : (row) => process.stderr.write(`  ${row.workload} large: ${(row.accessesPerSecond / 1e6).toFixed(1)} Macc/s\n`), workloads);
    }
    if (o.out) {
      mkdirSync(o.out, { recursive: true });
      writeFileSync(join(o.out, "bench.json"), `${JSON.stringify(report, null, 1)}\n`);
    }
    if (o.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else printBench(report, LARGE_LOCAL_MEM);
  });

/** `remora bench --wasi`: C kernels under remora against plain node:wasi (bench/wasi-bench.ts). */
async function benchWasiCli(o: { workloads?: string; large?: boolean; kernels?: string; only?: string; small?: boolean; json?: boolean; out?: string }, repetitions: number): Promise<void> {
  if (o.workloads !== undefined || o.large) throw new ConfigError("--workloads and --large are for the workloads' bench, not --wasi");
  const { benchWasi, formatWasiBench } = await import("../bench/wasi-bench.ts");
  const report = await benchWasi({
    kernelsDir: o.kernels, only: o.only?.split(","), repetitions, size: o.small ? "test" : "default",
    onRow: o.json ? undefined : (row) => process.stderr.write(`  ${row.kernel}: ${row.slowdown.toFixed(2)}x\n`),
  });
  if (o.out) {
    mkdirSync(o.out, { recursive: true });
    writeFileSync(join(o.out, "bench-wasi.json"), `${JSON.stringify(report, null, 1)}\n`);
  }
  if (o.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else console.log(formatWasiBench(report));
  for (const r of report.rows.filter((row) => !row.verified)) {
    process.stderr.write(`remora: ${r.kernel}'s checksum under remora, ${r.remoraChecksum}, differs from node:wasi's, ${r.checksum}\n`);
    process.exitCode = 3;
  }
}

function printBench(report: BenchReport, largeLocalMem: string): void {
  console.log(formatTable(
    ["workload", "n", "native s", "instrumented s", "slowdown", "Maccess/s", "page-ins", "page-in µs p50", "p99", "first touches", "µs p50", "ram-disk s", "Macc/s", "counters s", "Macc/s"],
    report.rows.map((r) => [
      r.workload, String(r.n), r.nativeSeconds.toFixed(4), r.instrumentedSeconds.toFixed(4), r.slowdown.toFixed(2),
      (r.accessesPerSecond / 1e6).toFixed(0), String(r.pageIns), r.pageInMicros?.p50.toFixed(2) ?? "-", r.pageInMicros?.p99.toFixed(2) ?? "-",
      String(r.firstTouches), r.firstTouchMicros?.p50.toFixed(2) ?? "-",
      r.ramDiskSeconds.toFixed(3), (r.ramDiskAccessesPerSecond / 1e6).toFixed(0), r.countersSeconds.toFixed(3), (r.countersAccessesPerSecond / 1e6).toFixed(0),
    ]),
  ));
  if (report.large) {
    console.log(`\nlarge workloads under counters, ${largeLocalMem} local, one run each:`);
    console.log(formatTable(["workload", "n", "working set", "verified", "wall s", "accesses", "remote accesses", "migrations", "Macc/s"], report.large.map((r) => [
      r.workload, String(r.n), formatBytes(r.workingSetBytes), r.verified ? "yes" : "NO", r.seconds.toFixed(1), String(r.accesses),
      String(r.remoteAccesses), String(r.migrations), (r.accessesPerSecond / 1e6).toFixed(1),
    ])));
    console.log("");
  }
  for (const [transport, { p50, p99 }] of Object.entries(report.serverRoundTripMicros)) {
    console.log(`memory server page out and in (4 KiB, real, ${transport}): p50 ${p50.toFixed(2)} µs, p99 ${p99.toFixed(2)} µs`);
  }
  console.log(`geomeanSlowdown ${report.geomeanSlowdown.toFixed(2)} (median of ${report.repetitions}, size ${report.size}, ${report.machine.cpus}, node ${report.machine.node})`);
}

program
  .command("demo")
  .description("every workload under local and disk with 1/8 of its working set as local memory")
  .option("--size <size>", "workload size", "small")
  .action(async (o) => {
    const rows: string[][] = [];
    for (const w of Object.values(WORKLOADS)) {
      const n = w.sizes[o.size as (typeof SIZES)[number]];
      if (n === undefined) throw new ConfigError(`unknown size "${o.size}": choose one of ${SIZES.join(", ")}`);
      const localMem = `${Math.max(8192, Math.floor(w.workingSetBytes(n) / 8))}`;
      for (const policy of ["local", "disk"]) {
        const r = await run({ workload: w.name, size: o.size, policy, localMem });
        rows.push([
          w.name, policy, policy === "local" ? "unbounded" : formatBytes(r.config.localMemBytes), r.verified ? "yes" : "NO",
          String(r.accesses), String(r.pageFaults), String(r.diskReads + r.diskWrites), r.avgAccessCycles.toPrecision(4),
          r.modelledSeconds.toPrecision(4), r.wallSeconds.toFixed(2),
        ]);
        process.stderr.write(".");
      }
    }
    process.stderr.write("\n");
    console.log(formatTable(
      ["workload", "policy", "local mem", "verified", "accesses", "faults", "disk I/Os", "avg cycles", "modelled s", "wall s"], rows));
    console.log("\nPreset default (2 GHz, 4 KiB pages, hdd7200 disk); local memory is 1/8 of each working set.");
  });

program
  .command("reproduce")
  .description("run both papers' experiments and write results/*.json, *.csv and summary.md (npm start: --quick)")
  .option("--quick", "size tiny with 1/8 of each preset's local memory: a few minutes")
  .option("--only <names>", "comma-separated experiments (remora list names them)")
  .option("--jobs <n>", "runs at once (default: the cores)")
  .option("--out <dir>", "output folder", "results")
  .action(async (o) => {
    const { checkReproduceOptions, reproduce, summaryTable } = await import("../bench/reproduce.ts");
    const checked = checkReproduceOptions(o);
    const { summary, interrupted, failed } = await reproduce({ quick: Boolean(o.quick), ...checked });
    for (const f of failed) process.stderr.write(`remora: not reproduced: ${f}\n`);
    if (summary.length > 0) console.log(`${summaryTable(summary)}\n\nResults in ${checked.out}/ (summary.md, one .json and .csv per experiment); open ${checked.out}/dashboard.html for the charts, or run ./bin/remora dashboard.`);
    if (interrupted) {
      process.stderr.write("remora: interrupted; finished experiments were written, the others were not\n");
      process.exitCode = 130;
    } else if (failed.length > 0) {
      process.exitCode = 1;
    }
  });

program
  .command("dashboard")
  .description("serve the results dashboard on localhost, with a live panel that runs experiments")
  .option("--port <p>", "port (0: any free one)", "8080")
  .option("--results <dir>", "results folder", "results")
  .action(async (o) => {
    const port = /^\d+$/.test(o.port) ? Number(o.port) : NaN;
    if (!(port >= 0 && port <= 65535)) throw new ConfigError(`--port must be an integer from 0 to 65535, not "${o.port}"`);
    const { startDashboard } = await import("../bench/web/server.ts");
    const { url } = await startDashboard(o.results, port).catch((e: NodeJS.ErrnoException) => {
      throw new Error(`cannot serve on port ${port}: ${e.code ?? e.message}`);
    });
    console.log(`remora dashboard: ${url} (results from ${o.results}/; Ctrl-C to stop)`);
  });

program
  .command("validate-link")
  .description("the link model against a real link: Redis in a network namespace behind a veth shaped with tc to each link's rate, page-fault latency measured and modelled (root, iproute2, redis-server)")
  .option("--links <names>", "comma-separated link models", "gigabit,atm155")
  .option("--workload <name>", "a faulting workload (ram-disk, one server, no memory engine)", "qsort")
  .addOption(new Option("--size <size>", "workload size").choices(SIZES).default("tiny"))
  .option("--local-pages <n>", "local memory in pages", "32")
  .option("--repetitions <n>", "runs of each link, interleaved; the median counts", "3")
  .option("--out <dir>", "write DIR/link-validation.json, which the dashboard draws")
  .option("--json", "print the report as one JSON object")
  .action(async (o) => {
    const { linkValidationProblem, validateLink, writeLinkValidation } = await import("../bench/link-validation.ts");
    const links = String(o.links).split(",").map((s) => s.trim()).filter(Boolean);
    for (const l of links) if (!(l in LINKS)) throw new ConfigError(`unknown link "${l}": choose from ${Object.keys(LINKS).join(", ")}`);
    if (links.length === 0) throw new ConfigError("--links names no link");
    if (!(o.workload in WORKLOADS)) throw new ConfigError(`unknown workload "${o.workload}": choose from ${Object.keys(WORKLOADS).join(", ")}`);
    const localPages = /^\d+$/.test(o.localPages) ? Number(o.localPages) : NaN;
    if (!(localPages >= 2 && localPages <= 1 << 20)) throw new ConfigError(`--local-pages must be an integer from 2 to ${1 << 20}, not "${o.localPages}"`);
    const repetitions = /^\d+$/.test(o.repetitions) ? Number(o.repetitions) : NaN;
    if (!(repetitions >= 1 && repetitions <= 100)) throw new ConfigError(`--repetitions must be an integer from 1 to 100, not "${o.repetitions}"`);
    const problem = linkValidationProblem();
    if (problem !== null) {
      process.stderr.write(`remora: ${problem}\n`);
      return;
    }
    const report = await validateLink({
      links, workload: o.workload, size: o.size, localPages, repetitions,
      onProgress: o.json ? undefined : (line) => process.stderr.write(`${line}\n`),
    });
    if (o.out) writeLinkValidation(o.out, report);
    if (o.json) {
      console.log(JSON.stringify(report));
      return;
    }
    console.log(formatTable(
      ["link", "measured mean µs", "p50", "p99", "modelled µs", "measured / modelled", "calibrated µs", "measured / calibrated", "shaping added µs: mean", "p50", "modelled", "less bucket credit"],
      report.rows.map((r) => [r.link, r.measuredMeanMicros.toFixed(1), r.measuredP50Micros.toFixed(1), r.measuredP99Micros.toFixed(1),
        r.modelledMicros.toFixed(1), r.ratio.toFixed(2), r.calibratedMicros.toFixed(1), r.calibratedRatio.toFixed(2),
        r.measuredAddedMicros.toFixed(1), r.measuredAddedP50Micros.toFixed(1), r.modelledAddedMicros.toFixed(1), r.expectedAddedMicros.toFixed(1)])));
    console.log(`\n${report.workload} size ${report.size}, ${report.localPages} local pages, ${report.faults} page faults a run, median of ${report.repetitions}; unshaped veth (the software floor): mean ${report.floorMicros.toFixed(1)} µs a fault, p50 ${report.floorP50Micros.toFixed(1)}; calibrated: the link's protocol cost set so that its model on the unshaped veth (${report.unshapedRate}) equals the floor${o.out ? `\nWrote ${join(o.out, "link-validation.json")}` : ""}`);
  });

const servers = program
  .command("servers")
  .description("memory servers that outlive a run");
servers
  .command("start")
  .description("start local redis-server processes (127.0.0.1, no persistence) for runs with --transport redis --server-url; print their URLs and serve until Ctrl-C")
  .option("--count <n>", "how many", "1")
  .option("--port <p>", "the first one's port, the others' following it (default: free ports)")
  .action(async (o: { count: string; port?: string }) => {
    const count = Number(o.count);
    if (!Number.isInteger(count) || count < 1 || count > 64) throw new ConfigError(`--count must be an integer from 1 to 64, not "${o.count}"`);
    const port = o.port === undefined ? undefined : Number(o.port);
    if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port + count - 1 <= 65535)) {
      throw new ConfigError(`--port must be an integer from 1 to ${65536 - count}, not "${o.port}"`);
    }
    const started = await startRedisServers(count, port);
    for (const url of started.urls) console.log(url);
    process.stderr.write(`remora: ${count} redis-server${count > 1 ? "s" : ""} on 127.0.0.1; use ${started.urls.map((u) => `--server-url ${u}`).join(" ")}; Ctrl-C stops them\n`);
    await new Promise<void>((resolve) => {
      for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => resolve());
    });
    await started.stop();
  });

export async function main(argv: string[]): Promise<void> {
  // A reader that stops early (`remora list | head -1`) ends the output; no stack trace.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") throw e;
    process.exit(process.exitCode ?? 0);
  });
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander has printed its one line already; help and --version exit 0.
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    const err = e as Error;
    const prefix = err instanceof WebAssembly.RuntimeError ? "the program trapped: " : "";
    process.stderr.write(`remora: ${prefix}${err.message ?? String(e)}\n`);
    if (process.env.REMORA_DEBUG) process.stderr.write(`${err.stack}\n`);
    // A lost page: the run's result cannot be trusted, and none was printed.
    process.exitCode = err instanceof ConfigError ? 2 : err instanceof PageLostError ? 4 : 1;
  }
}
