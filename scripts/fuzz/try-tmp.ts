import { campaign } from "./campaign.ts";
const t0 = performance.now();
const r = await campaign({ seed: 1, count: Number(process.argv[2] ?? 20), keep: "/tmp/fz/keep", onModule: (c, o) => {
  if (o.kind !== "same") console.log(c.index, c.features.at(-1), c.passes, JSON.stringify(c.options), o.kind, "what" in o ? o.what.slice(0, 300) : "reason" in o ? o.reason : "");
}});
console.log(r.counts, (performance.now() - t0) / 1000, r.refusals, r.skips);
