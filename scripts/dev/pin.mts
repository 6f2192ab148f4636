// Dev helper: prints the figures test/pinned.test.ts pins, for re-measuring after a deliberate model change.
import { run } from "../../host/run.ts";
const cases = [
  { workload: "trans", size: "tiny", policy: "disk", localPages: 64 },
  { workload: "sort", size: "tiny", policy: "counters", preset: "markatos96", localMem: "128KiB" },
  { workload: "gauss", size: "tiny", policy: "remote-main", preset: "markatos96", localMem: "128KiB" },
  { workload: "qsort", size: "tiny", policy: "ram-disk", preset: "anemone05", localPages: 64 },
  { workload: "eventsim", size: "tiny", policy: "software-counters", preset: "markatos96", localMem: "128KiB", replacement: "clock" },
  { workload: "raytrace", size: "tiny", policy: "ram-disk", preset: "anemone05", localPages: 64, compress: "lz4" },
  { workload: "trans", size: "tiny", policy: "disk", preset: "anemone05", localPages: 64, compress: "deflate" },
];
for (const c of cases) {
  const r = await run(c as any);
  console.log(JSON.stringify({ options: c, pinned: { modelledCycles: r.modelledCycles, accesses: r.accesses, pageFaults: r.pageFaults, migrations: r.migrations, remoteAccesses: r.remoteAccesses, checksum: r.checksum } }));
}
