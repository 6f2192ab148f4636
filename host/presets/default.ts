import type { Preset } from "./preset.ts";

export const defaultPreset: Preset = {
  name: "default",
  description: "a present-day machine paging to a hard disk, 4 KiB pages",
  pageSizeBytes: 4096,
  clockHz: 2e9,
  localAccessCycles: 1,
  remoteAccessCycles: 100,
  softwareRemoteAccessCycles: 1000,
  counterInterruptCycles: 1000,
  localMemBytes: 1 << 20,
  disk: "hdd7200",
  link: "gigabit",
  faultHandlingMicros: 0,
  memoryEngine: true,
  codecSpeedRatio: 2 / 2.7,
  servers: 2,
  serverMemBytes: 256 * 2 ** 20,
  assumptions: [
    "a remote access costs 100 local ones and 1000 in software, as in Markatos'96; a counter interrupt 1000 cycles (an assumption)",
    "4 KiB pages, the x86 and wasm-era default",
    "2 GHz clock; one cycle per resident access, so avgAccessCycles of a run with no faults is 1",
    "1 MiB of local memory: a fraction of every workload's small working set",
    "no client-side cost per fault beyond the transfer itself: the transfer is what is compared",
    "2 memory servers of 256 MiB each: room for every workload's large size",
    "--compress: the page codecs at their speed on the lz4 README's 2.7 GHz Core i5-3340M scaled by clock to 2 GHz (the same work per clock: an assumption)",
  ],
};
