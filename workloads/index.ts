// The workloads, by name. Adding one: workloads/<name>/program.ts (AssemblyScript, exporting
// run(n, seed) -> checksum), workloads/<name>/index.ts (its WorkloadSpec), and a line here.
import type { WorkloadSpec } from "./spec.ts";
import { fft } from "./fft/index.ts";
import { gauss } from "./gauss/index.ts";
import { mvec } from "./mvec/index.ts";
import { eventsim } from "./eventsim/index.ts";
import { qsort } from "./qsort/index.ts";
import { raytrace } from "./raytrace/index.ts";
import { sort } from "./sort/index.ts";
import { trans } from "./trans/index.ts";

export const WORKLOADS: Record<string, WorkloadSpec> = { trans, gauss, sort, mvec, fft, qsort, raytrace, eventsim };
