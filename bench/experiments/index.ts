// The experiments of `remora reproduce`, by name, in the order they run. Adding one: a module
// beside this file and a line here.
import { anemoneConcurrent } from "./anemone-concurrent.ts";
import { anemoneLatency } from "./anemone-latency.ts";
import { anemoneSpeedup } from "./anemone-speedup.ts";
import { compression } from "./compression.ts";
import { counter } from "./counter.ts";
import { counterAuto } from "./counter-auto.ts";
import type { Experiment } from "./experiment.ts";
import { network } from "./network.ts";
import { policies } from "./policies.ts";
import { prefetch } from "./prefetch.ts";
import { resilience } from "./resilience.ts";
import { software } from "./software.ts";

export const EXPERIMENTS: Record<string, Experiment> = Object.fromEntries(
  [policies, network, counter, counterAuto, software, anemoneLatency, anemoneSpeedup, anemoneConcurrent, prefetch, compression, resilience].map((e) => [e.name, e]),
);
