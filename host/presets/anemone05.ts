import type { Preset } from "./preset.ts";

// Anemone (the adaptive network memory engine): clients page over gigabit Ethernet to a memory
// engine that multiplexes memory servers. Calibrated once, with qsort at size small and 1 MiB of
// local memory (see docs/REPRODUCTION.md for the command), so that a 4 KiB fault through the engine
// averages 650-700 µs and one from the disk about 6.5 ms, as the paper measured.
export const anemone05: Preset = {
  name: "anemone05",
  description: "Anemone: gigabit Ethernet to a memory engine and servers, 7200 rpm disk",
  pageSizeBytes: 4096,
  clockHz: 2.8e9,
  localAccessCycles: 1,
  remoteAccessCycles: 100,
  softwareRemoteAccessCycles: 1000,
  counterInterruptCycles: 1000,
  localMemBytes: 1 << 20,
  disk: "hdd7200",
  link: "gigabit",
  faultHandlingMicros: 460,
  memoryEngine: true,
  codecSpeedRatio: 0.5,
  erasureCodingBytesPerSecond: 485e6 * 0.5,
  servers: 2,
  serverMemBytes: 512 * 2 ** 20,
  assumptions: [
    "remote single accesses: 100 and 1000 cycles as in Markatos'96 (Anemone has none; for comparison only)",
    "4 KiB pages (x86 Linux, the paper's 4 KB page faults)",
    "2.8 GHz client: a 2005 Pentium 4 class machine (an assumption; the paper does not say)",
    "gigabit Ethernet (host/links/gigabit.ts: 5 µs per hop, 20 µs of protocol software per message)",
    "460 µs of client-side handling per major fault: the Linux swap path through Anemone's virtual block device, context switches and the engine's processing. The paper's 650-700 µs is mostly software; this is what is left after the modelled wire, hops and protocol costs, chosen so qsort's mean fault lands in 650-700 µs",
    "the same 460 µs applies to disk faults (the same paging code path), so the disk's mean fault is 460 µs + the hdd7200's service time",
    "2 memory servers of 512 MiB: the paper's 'about 1 GB of remote memory'",
    "--compress: the page codecs run at half their speed on the lz4 README's 2.7 GHz Core i5-3340M (host/compression/codec.ts): the same clock, and a 2005 Pentium 4 does about half the work per clock of that 2013 Ivy Bridge core (an assumption; the paper has no compression, it names it as future work). A 4 KiB page: lz4 19.4 µs to compress, 4.5 µs to decompress; deflate 126 µs and 29 µs",
    "--redundancy ec: Reed–Solomon at half the 485 MB/s measured for host/memory-engine/reed-solomon.ts on a present-day core, as for the codecs (a 2005 core; Anemone has no erasure coding, it names replication as future work)",
  ],
};
