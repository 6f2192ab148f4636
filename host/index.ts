// remora as a library: `import { run, runCommand, reproduce, POLICIES, PRESETS } from "remora"`.
// The same functions the command line calls; every option is that of `remora run` (RunOptions),
// and a result has the fields of `remora run --json` (README: "The result").
export { run, type RunResult, type Figures } from "./run.ts";
export { runCommand, type CommandOptions, type CommandResult } from "./wasi/command.ts";
export { reproduce } from "../bench/reproduce.ts";
export { resolveConfig, ConfigError, type RunOptions, type RunConfig } from "./config.ts";
/** Thrown by run() when a memory server failed and a page could not be rebuilt (--redundancy). */
export { PageLostError } from "./memory-engine/memory-engine.ts";
export { POLICIES } from "./policies/index.ts";
export { PRESETS } from "./presets/index.ts";
export { LINKS } from "./links/index.ts";
export { DISKS } from "./disks/index.ts";
export { WORKLOADS } from "../workloads/index.ts";
