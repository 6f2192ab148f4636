import type { Preset } from "./preset.ts";

export const defaultPreset: Preset = {
  name: "default",
  description: "a present-day machine paging to a hard disk, 4 KiB pages",
  pageSizeBytes: 4096,
  clockHz: 2e9,
  localAccessCycles: 1,
  localMemBytes: 1 << 20,
  disk: "hdd7200",
  assumptions: [
    "4 KiB pages, the x86 and wasm-era default",
    "2 GHz clock; one cycle per resident access, so avgAccessCycles of a run with no faults is 1",
    "1 MiB of local memory: a fraction of every workload's small working set",
  ],
};
