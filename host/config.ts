// Run options: every field optional, validated once with zod and resolved against the preset into
// a complete RunConfig, which is printed with every result.
import { z } from "zod";
import { codecMicrosPerPage } from "./compression/codec.ts";
import { CODECS, COMPRESS_CHOICES, COMPRESSING_POLICIES } from "./compression/index.ts";
import { DISKS } from "./disks/index.ts";
import { LINKS } from "./links/index.ts";
import { LinkError, withOverrides, type LinkModel } from "./links/link.ts";
import { parseFailure, type ServerFailure } from "./memory-engine/fault-injection.ts";
import { PLACEMENTS } from "./memory-engine/placement.ts";
import { fragmentsOf, formatRedundancy, parseRedundancy } from "./memory-engine/redundancy.ts";
import { breakEvenCounter, MAX_COUNTER } from "./policies/break-even.ts";
import { POLICIES } from "./policies/index.ts";
import { PRESETS } from "./presets/index.ts";
import { parsePrefetch, type PrefetchChoice } from "./prefetch/index.ts";
import { TRANSPORTS, type Transport } from "./servers/protocol.ts";
import { redisUrlProblem } from "./servers/redis.ts";
import { SIZES, type SizeName } from "../workloads/spec.ts";
import { WORKLOADS } from "../workloads/index.ts";

export class ConfigError extends Error {}

export const REPLACEMENTS = ["lru", "clock", "random"] as const;
export type Replacement = (typeof REPLACEMENTS)[number];

const UNITS: Record<string, number> = { b: 1, k: 1024, kb: 1024, kib: 1024, m: 2 ** 20, mb: 2 ** 20, mib: 2 ** 20, g: 2 ** 30, gb: 2 ** 30, gib: 2 ** 30 };

/** "4MiB", "512KiB", "65536" -> bytes; `option` names the option in the error. */
export function parseBytes(text: string, option?: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m ? UNITS[m[2].toLowerCase() || "b"] : undefined;
  if (!m || unit === undefined) throw new ConfigError(`${option ? `${option}: ` : ""}cannot read "${text}" as a size: use a number with B, KiB, MiB or GiB`);
  return Math.round(Number(m[1]) * unit);
}

const oneOf = (what: string, names: readonly string[]) =>
  z.string().refine((v) => names.includes(v), { error: (iss) => `unknown ${what} "${iss.input}": choose one of ${names.join(", ")}` });

const intText = (what: string, min: number, max: number) =>
  z.union([z.number(), z.string()]).transform((v, ctx) => {
    const n = typeof v === "number" ? v : /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) {
      ctx.addIssue({ code: "custom", message: `${what} must be an integer from ${min} to ${max}, not "${v}"` });
      return z.NEVER;
    }
    return n;
  });

/** --counter: an integer, or "auto" for the break-even value (host/policies/break-even.ts). */
const counterText = z.union([z.number(), z.string()]).transform((v, ctx) => {
  if (v === "auto") return "auto" as const;
  const n = typeof v === "number" ? v : /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_COUNTER) {
    ctx.addIssue({ code: "custom", message: `--counter must be auto or an integer from 1 to ${MAX_COUNTER}, not "${v}"` });
    return z.NEVER;
  }
  return n;
});

export const RunOptionsSchema = z.object({
  workload: z.string(),
  size: oneOf("size", SIZES).optional(),
  policy: oneOf("policy", Object.keys(POLICIES)).optional(),
  preset: oneOf("preset", Object.keys(PRESETS)).optional(),
  replacement: oneOf("replacement", REPLACEMENTS).optional(),
  disk: oneOf("disk", Object.keys(DISKS)).optional(),
  link: oneOf("link", Object.keys(LINKS)).optional(),
  bandwidth: z.string().optional(),
  latency: z.string().optional(),
  mtu: z.string().optional(),
  protocol: z.string().optional(),
  servers: intText("--servers", 1, 64).optional(),
  serverMem: z.string().optional(),
  placement: oneOf("placement", Object.keys(PLACEMENTS)).optional(),
  reply: oneOf("reply", ["via-engine", "direct"]).optional(),
  transport: oneOf("transport", TRANSPORTS).optional(),
  serverUrl: z.array(z.string()).optional(),
  connectTimeout: z.union([z.number(), z.string()]).optional(),
  keepPages: z.boolean().optional(),
  memoryEngine: z.boolean().optional(),
  engineCache: z.string().optional(),
  localMem: z.string().optional(),
  localPages: intText("--local-pages", 0, 2 ** 31).optional(),
  pageSize: z.union([z.number(), z.string()]).optional(),
  seed: intText("--seed", 0, 0xffffffff).optional(),
  n: intText("--n", 0, 2 ** 31 - 1).optional(),
  counter: counterText.optional(),
  prefetch: z.string().optional(),
  compress: oneOf("--compress codec", COMPRESS_CHOICES).optional(),
  redundancy: z.string().optional(),
  failServer: z.array(z.string()).optional(),
  serverTimeout: z.union([z.number(), z.string()]).optional(),
});
export type RunOptions = z.input<typeof RunOptionsSchema>;

export interface RunConfig {
  workload: string;
  /** Path of a .wasm file, when the workload is not one of ours. */
  file: string | null;
  /** The named size, or null for a .wasm file (its size is n). */
  size: SizeName | null;
  /** The size parameter passed to the workload's run(n, seed). */
  n: number;
  seed: number;
  policy: string;
  preset: string;
  replacement: Replacement;
  pageSizeBytes: number;
  localPages: number;
  localMemBytes: number;
  clockHz: number;
  localAccessCycles: number;
  disk: string;
  /** The network to the memory engine and servers, with --bandwidth / --latency applied. */
  link: LinkModel;
  faultHandlingMicros: number;
  remoteAccessCycles: number;
  softwareRemoteAccessCycles: number;
  counterInterruptCycles: number;
  /** COUNTERS: the initial value of each remote page's reference counter (chosen by --counter
   *  auto when counterAuto is set). */
  counterInitial: number;
  /** --counter auto: counterInitial is the break-even value of this configuration. */
  counterAuto: boolean;
  servers: number;
  serverMemBytes: number;
  placement: string;
  reply: "via-engine" | "direct";
  /** How the host really moves pages to and from the server threads (real time only). */
  transport: Transport;
  /** --transport redis: the instances, one per server (as given: run() hides passwords in the
   *  result); empty: remora starts local redis-server processes itself. */
  serverUrls: string[];
  /** How long connecting to a Redis instance, and each command, may take. */
  connectTimeoutMs: number;
  /** --keep-pages: leave the run's pages in the Redis instances at the end. */
  keepPages: boolean;
  /** False: the client pages straight to the memory servers, with no engine between. */
  memoryEngine: boolean;
  engineCacheBytes: number;
  /** DISK, RAM_DISK: the pages brought in ahead of use after each page fault. */
  prefetch: PrefetchChoice;
  /** --compress: the codec pages are stored and carried with, or "none". */
  compress: string;
  /** Modelled client time to compress / decompress one page with it (0 with none): the codec's
   *  speed on its reference core (host/compression/codec.ts) times the preset's codecSpeedRatio. */
  compressMicrosPerPage: number;
  decompressMicrosPerPage: number;
  /** --redundancy: how many servers keep each page, and in what form (host/memory-engine/redundancy.ts). */
  redundancy: string;
  /** --fail-server: servers that crash, each after the client's N-th page transfer. */
  failServers: ServerFailure[];
  /** Thread transports: how long a request to a memory server may wait for its answer before the
   *  server counts as failed. */
  serverTimeoutMs: number;
  /** --redundancy ec: the client's Reed–Solomon speed (the preset's). */
  erasureCodingBytesPerSecond: number;
}

/** The policies whose pages the memory engine keeps with --redundancy and repairs after
 *  --fail-server: the one that moves whole pages to servers. The remote policies access a page in
 *  place on one server, which copies or fragments elsewhere would not see. */
export const REDUNDANCY_POLICIES = ["ram-disk"];

/** The policies whose page faults can prefetch: the ones that page. */
export const PREFETCH_POLICIES = ["disk", "ram-disk"];

export const MIN_LOCAL_PAGES = 2;

export function resolveConfig(options: RunOptions): RunConfig {
  const parsed = RunOptionsSchema.safeParse(options);
  if (!parsed.success) throw new ConfigError(parsed.error.issues[0].message);
  const o = parsed.data;
  const isFile = o.workload.endsWith(".wasm");
  if (!isFile && !(o.workload in WORKLOADS)) {
    throw new ConfigError(`unknown workload "${o.workload}": choose one of ${Object.keys(WORKLOADS).join(", ")}, or give a .wasm file`);
  }
  const preset = PRESETS[o.preset ?? "default"];
  const pageSizeBytes = o.pageSize === undefined ? preset.pageSizeBytes
    : typeof o.pageSize === "number" ? o.pageSize : parseBytes(o.pageSize, "--page-size");
  if (!Number.isInteger(Math.log2(pageSizeBytes)) || pageSizeBytes < 1024 || pageSizeBytes > 65536) {
    throw new ConfigError(`--page-size must be a power of two from 1KiB to 64KiB, not ${typeof o.pageSize === "string" ? `"${o.pageSize}" (${pageSizeBytes} bytes)` : `${pageSizeBytes} bytes`}`);
  }
  if (o.localMem !== undefined && o.localPages !== undefined) {
    throw new ConfigError("give --local-mem or --local-pages, not both");
  }
  const localPages = o.localPages ?? Math.floor((o.localMem !== undefined ? parseBytes(o.localMem, "--local-mem") : preset.localMemBytes) / pageSizeBytes);
  if (localPages < MIN_LOCAL_PAGES) {
    throw new ConfigError(`local memory must hold at least ${MIN_LOCAL_PAGES} pages of ${pageSizeBytes} bytes (got ${localPages})`);
  }
  if (localPages * pageSizeBytes > 2 ** 31) throw new ConfigError("local memory must be at most 2 GiB");
  const size = (o.size ?? "small") as SizeName;
  const serverMemBytes = o.serverMem !== undefined ? parseBytes(o.serverMem, "--server-mem") : preset.serverMemBytes;
  if (serverMemBytes < pageSizeBytes) {
    throw new ConfigError(`--server-mem must hold at least one page of ${pageSizeBytes} bytes (got ${serverMemBytes} bytes)`);
  }
  let link: LinkModel;
  try {
    link = withOverrides(LINKS[o.link ?? preset.link], { bandwidth: o.bandwidth, latency: o.latency, mtu: o.mtu, protocol: o.protocol });
  } catch (e) {
    if (e instanceof LinkError) throw new ConfigError(e.message);
    throw e;
  }
  const transport = (o.transport ?? "one-sided") as Transport;
  const serverUrls = o.serverUrl ?? [];
  if (serverUrls.length > 0 && transport !== "redis") throw new ConfigError("--server-url is for --transport redis");
  if (o.keepPages && transport !== "redis") throw new ConfigError("--keep-pages is for --transport redis");
  for (const url of serverUrls) {
    const problem = redisUrlProblem(url);
    if (problem !== null) throw new ConfigError(problem);
  }
  if (serverUrls.length > 0 && o.servers !== undefined && o.servers !== serverUrls.length) {
    throw new ConfigError(`--servers ${o.servers} disagrees with the ${serverUrls.length} --server-url given: the URLs are the servers`);
  }
  const connectTimeoutSeconds = o.connectTimeout === undefined ? 2 : Number(o.connectTimeout);
  if (!(connectTimeoutSeconds > 0 && connectTimeoutSeconds <= 3600)) {
    throw new ConfigError(`--connect-timeout must be a number of seconds above 0 and at most 3600, not "${o.connectTimeout}"`);
  }
  const prefetch = parsePrefetch(o.prefetch ?? "none");
  if (typeof prefetch === "string") throw new ConfigError(prefetch);
  const policy = o.policy ?? "disk";
  if (prefetch.name !== "none" && !PREFETCH_POLICIES.includes(policy)) {
    throw new ConfigError(`--prefetch applies to the paging policies (${PREFETCH_POLICIES.join(", ")}), not ${policy}`);
  }
  const compress = o.compress ?? "none";
  if (compress !== "none" && !COMPRESSING_POLICIES.includes(policy)) {
    throw new ConfigError(`--compress applies to the paging policies ${COMPRESSING_POLICIES.join(" and ")}, not ${policy}`);
  }
  const redundancy = parseRedundancy(o.redundancy ?? "none");
  if (typeof redundancy === "string") throw new ConfigError(redundancy);
  const failServers: ServerFailure[] = [];
  for (const text of o.failServer ?? []) {
    const failure = parseFailure(text);
    if (typeof failure === "string") throw new ConfigError(failure);
    failServers.push(failure);
  }
  const resilience = [o.redundancy !== undefined && "--redundancy", failServers.length > 0 && "--fail-server"].filter(Boolean).join(" and ");
  if (resilience !== "" && !REDUNDANCY_POLICIES.includes(policy)) {
    throw new ConfigError(`${resilience} ${failServers.length > 0 && o.redundancy !== undefined ? "apply" : "applies"} to the policy that pages to memory servers (${REDUNDANCY_POLICIES.join(", ")}), not ${policy}${POLICIES[policy]?.remoteMode ? ", which accesses pages in place on one server" : ", which has no memory servers"}`);
  }
  const serverCount = serverUrls.length > 0 ? serverUrls.length : o.servers ?? preset.servers;
  const fragments = fragmentsOf(redundancy);
  if (fragments > serverCount) {
    throw new ConfigError(`--redundancy ${formatRedundancy(redundancy)} needs ${fragments} distinct memory servers, and the run has ${serverCount} (--servers)`);
  }
  const failed = new Set<number>();
  for (const f of failServers) {
    if (f.server >= serverCount) throw new ConfigError(`--fail-server ${f.server}@${f.afterTransfers}: there is no server ${f.server}; the run has servers 0 to ${serverCount - 1}`);
    if (failed.has(f.server)) throw new ConfigError(`--fail-server names server ${f.server} twice: a server fails once`);
    failed.add(f.server);
  }
  if (failServers.length > 0 && serverUrls.length > 0) {
    throw new ConfigError("--fail-server crashes the redis-server processes remora starts itself (SIGKILL); it does not kill instances given with --server-url: run without --server-url");
  }
  const serverTimeoutSeconds = o.serverTimeout === undefined ? 10 : Number(o.serverTimeout);
  if (!(serverTimeoutSeconds > 0 && serverTimeoutSeconds <= 3600)) {
    throw new ConfigError(`--server-timeout must be a number of seconds above 0 and at most 3600, not "${o.serverTimeout}"`);
  }
  const codecMicros = compress === "none" ? { compress: 0, decompress: 0 }
    : codecMicrosPerPage(CODECS[compress], pageSizeBytes, preset.codecSpeedRatio);
  const config: RunConfig = {
    workload: isFile ? o.workload.replace(/^.*\//, "") : o.workload,
    file: isFile ? o.workload : null,
    size: isFile ? null : size,
    n: o.n ?? (isFile ? 0 : WORKLOADS[o.workload].sizes[size]),
    seed: o.seed ?? 1,
    policy,
    preset: preset.name,
    replacement: (o.replacement ?? "lru") as Replacement,
    pageSizeBytes,
    localPages,
    localMemBytes: localPages * pageSizeBytes,
    clockHz: preset.clockHz,
    localAccessCycles: preset.localAccessCycles,
    disk: o.disk ?? preset.disk,
    link,
    faultHandlingMicros: preset.faultHandlingMicros,
    remoteAccessCycles: preset.remoteAccessCycles,
    softwareRemoteAccessCycles: preset.softwareRemoteAccessCycles,
    counterInterruptCycles: preset.counterInterruptCycles,
    counterInitial: typeof o.counter === "number" ? o.counter : 256,
    counterAuto: o.counter === "auto",
    servers: serverUrls.length > 0 ? serverUrls.length : o.servers ?? preset.servers,
    serverMemBytes,
    placement: o.placement ?? "round-robin",
    reply: (o.reply ?? "via-engine") as "via-engine" | "direct",
    transport,
    serverUrls,
    connectTimeoutMs: Math.round(connectTimeoutSeconds * 1000),
    keepPages: o.keepPages ?? false,
    memoryEngine: o.memoryEngine ?? preset.memoryEngine,
    engineCacheBytes: o.engineCache !== undefined ? parseBytes(o.engineCache, "--engine-cache") : 0,
    prefetch,
    compress,
    compressMicrosPerPage: codecMicros.compress,
    decompressMicrosPerPage: codecMicros.decompress,
    redundancy: formatRedundancy(redundancy),
    failServers,
    serverTimeoutMs: Math.round(serverTimeoutSeconds * 1000),
    erasureCodingBytesPerSecond: preset.erasureCodingBytesPerSecond,
  };
  // Everything the break-even value depends on is resolved above.
  if (config.counterAuto) config.counterInitial = breakEvenCounter(config);
  return config;
}
