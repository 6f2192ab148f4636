// The results dashboard in a real browser (Debian's Chromium through playwright-core): every chart
// draws from a results folder opened from disk, the controls change what is drawn, the live panel
// gives `remora run`'s figures, and no request leaves the machine. Screenshots go to test-output/.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { bench } from "../bench/bench.ts";
import { linkValidationProblem, validateLink, writeLinkValidation } from "../bench/link-validation.ts";
import { reproduce } from "../bench/reproduce.ts";
import { startDashboard } from "../bench/web/server.ts";
import { run } from "../host/run.ts";
import { tempDir } from "./tmp.ts";

const CHROMIUM = "/usr/bin/chromium";
const SHOTS = fileURLToPath(new URL("../test-output/", import.meta.url));
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const quiet = { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream;
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (.ci/run installs it: apt-get install -y chromium)`;
// .ci/run installs Chromium and sets this: there a missing browser fails the test instead.
if (skip && process.env.REMORA_REQUIRE_TOOLCHAINS) throw new Error(skip);

/** Pixels of a canvas that are not transparent. */
const drawnPixels = (id: string) => `(() => {
  const c = document.getElementById(${JSON.stringify(id)});
  const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++; return n;
})()`;

test("the dashboard draws every experiment from disk, its controls work, its live runs (a workload and its WASI build) match remora run, and nothing leaves localhost", { skip, timeout: 900_000 }, async () => {
  const { chromium } = await import("playwright-core");
  const dir = tempDir("dashboard");
  writeFileSync(join(dir, "bench.json"), JSON.stringify(await bench({ repetitions: 1, size: "tiny", workloads: ["trans", "mvec"] })));
  const { failed } = await reproduce({ quick: true, only: ["policies", "network", "counter", "counter-auto", "software", "anemone-latency", "anemone-speedup", "anemone-concurrent", "prefetch", "compression", "resilience"], jobs: 2, out: dir, progress: quiet });
  assert.deepEqual(failed, []);
  // The link validation needs root, iproute2 and redis-server: drawn when they are here (CI).
  const validated = linkValidationProblem() === null;
  if (validated) writeLinkValidation(dir, await validateLink({ links: ["gigabit", "atm155"], workload: "qsort", size: "tiny", localPages: 32, repetitions: 1 }));
  mkdirSync(SHOTS, { recursive: true });

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  const { server, url } = await startDashboard(dir, 0);
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const requests: string[] = [];
    const errors: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    page.on("pageerror", (e) => errors.push(e.message));

    // From disk: every chart drawn, none blank.
    await page.goto(`file://${join(dir, "dashboard.html")}`);
    const ids: string[] = await page.evaluate("Object.keys(window.remoraCharts)");
    assert.ok(ids.length >= 6, `charts: ${ids}`);
    for (const id of ["policies", "network", "counter", "counter-auto", "software", "anemone-latency", "anemone-speedup", "anemone-concurrent", "prefetch", "compression", "resilience", "bench", ...(validated ? ["link-validation"] : [])]) {
      assert.ok(ids.includes(id), `no ${id} chart`);
      const pixels: number = await page.evaluate(drawnPixels(`chart-${id}`));
      assert.ok(pixels > 2000, `${id}: ${pixels} pixels drawn`);
      await page.locator(`#card-${id}`).screenshot({ path: join(SHOTS, `dashboard-${id}.png`) });
    }

    // Hiding a policy through the legend changes what the policies chart draws.
    const before: string = await page.evaluate("document.getElementById('chart-policies').toDataURL()");
    // The first legend entry, in page coordinates, read in one step after the layout has settled.
    const at: { x: number; y: number } = await page.evaluate(`(async () => {
      await document.fonts.ready;
      const chart = window.remoraCharts.policies;
      chart.canvas.scrollIntoView();
      chart.resize();
      const box = chart.legend.legendHitBoxes[0];
      const rect = chart.canvas.getBoundingClientRect();
      return { x: rect.left + box.left + box.width / 2, y: rect.top + box.top + box.height / 2 };
    })()`);
    await page.mouse.click(at.x, at.y);
    // chart.js handles pointer events on the next animation frame.
    await page.waitForFunction("!window.remoraCharts.policies.isDatasetVisible(0)", null, { timeout: 5000 });
    assert.notEqual(await page.evaluate("document.getElementById('chart-policies').toDataURL()"), before);
    // Picking another program redraws the network sweep with its data; the axis switches to linear.
    const gauss: unknown = await page.evaluate("window.remoraCharts.network.data.datasets.map((d) => d.data)");
    await page.locator("#card-network select").selectOption("sort");
    assert.notDeepEqual(await page.evaluate("window.remoraCharts.network.data.datasets.map((d) => d.data)"), gauss);
    // The break-even chart marks each program's auto run at the counter it chose: a smaller one
    // under software counters, where a remote access costs more.
    const autoCounters = () => page.evaluate("window.remoraCharts['counter-auto'].data.datasets.filter((d) => d.type === 'scatter').map((d) => d.data[0].x)") as Promise<number[]>;
    const hardware = await autoCounters();
    await page.locator("#card-counter-auto select").selectOption("software-counters");
    const software = await autoCounters();
    assert.equal(hardware.length, 4, `auto marks: ${hardware}`);
    assert.ok(hardware.every((x, i) => x > software[i]), `auto's counters: hardware ${hardware}, software ${software}`);
    // The prefetch chart switches from execution time (none's bars at exactly 1) to accuracy.
    const prefetchBars = () => page.evaluate("window.remoraCharts.prefetch.data.datasets.map((d) => d.label)") as Promise<string[]>;
    assert.deepEqual(await prefetchBars(), ["none", "readahead:8", "leap"]);
    assert.ok((await page.evaluate("window.remoraCharts.prefetch.data.datasets[0].data") as number[]).every((y) => y === 1));
    await page.locator("#card-prefetch select").selectOption("disk: accuracy");
    assert.deepEqual(await prefetchBars(), ["readahead:8", "leap"]);
    assert.ok((await page.evaluate("window.remoraCharts.prefetch.data.datasets[1].data") as number[]).every((y) => y >= 0 && y <= 1));
    // The compression chart: one bar a codec; picking the time figure redraws it with other data.
    assert.deepEqual(await page.evaluate("window.remoraCharts.compression.data.datasets.map((d) => d.label)"), ["lz4", "deflate"]);
    const ratios: unknown = await page.evaluate("window.remoraCharts.compression.data.datasets.map((d) => d.data)");
    await page.locator("#card-compression select").selectOption("ram-disk: none / compressed time");
    assert.notDeepEqual(await page.evaluate("window.remoraCharts.compression.data.datasets.map((d) => d.data)"), ratios);
    await page.locator("#card-policies button[data-action=axis]").click();
    assert.equal(await page.evaluate("window.remoraCharts.policies.options.scales.y.type"), "linear");
    await page.locator("#card-policies button[data-action=table]").click();
    assert.ok((await page.locator("#card-policies table tr").count()) > 16, "the table view lists the chart's data");
    await page.locator("#card-policies select").selectOption("sort");
    assert.deepEqual(await page.evaluate("window.remoraCharts.policies.data.labels"), ["sort"], "the program picker shows one program");
    await page.screenshot({ path: join(SHOTS, "dashboard-file.png"), fullPage: true });

    // Served, with the live panel: one run, the same figures as remora run.
    await page.goto(url);
    const options = { workload: "sort", size: "tiny", policy: "counters", preset: "markatos96", localMem: "128KiB", counter: "64" };
    for (const [name, value] of Object.entries(options)) {
      const field = page.locator(`#live-form [name=${name}]`);
      if ((await field.evaluate((e) => e.tagName)) === "SELECT") await field.selectOption(value);
      else await field.fill(value);
    }
    await page.locator("#live-run").click();
    await page.waitForFunction("document.getElementById('live-result').textContent.startsWith('{')", null, { timeout: 120_000 });
    const live = JSON.parse(await page.locator("#live-result").textContent() ?? "");
    const direct = await run({ ...options, size: "tiny" });
    for (const field of ["checksum", "verified", "modelledCycles", "avgAccessCycles", "pageFaults", "migrations", "remoteAccesses", "counterInterrupts"] as const) {
      assert.deepEqual(live[field], direct[field], field);
    }
    assert.ok((await page.evaluate(drawnPixels("chart-live")) as number) > 2000, "the live run is drawn");
    const onPolicies: { x: string; y: number }[] = await page.evaluate("window.remoraCharts.policies.data.datasets.find((d) => d.label === 'live runs').data");
    assert.deepEqual(onPolicies, [{ x: "sort", y: direct.avgAccessCycles }], "the live run is a point on the policies chart");

    // The same workload's WASI build, through remora run FILE.wasm's code: it prints the checksum.
    await page.locator("#live-form [name=as]").selectOption("wasi");
    await page.locator("#live-run").click();
    await page.waitForFunction("document.getElementById('live-result').textContent.includes('exitCode')", null, { timeout: 120_000 });
    const wasi = JSON.parse(await page.locator("#live-result").textContent() ?? "");
    assert.equal(wasi.stdout, `${direct.checksum}\n`);
    assert.equal(wasi.exitCode, 0);
    assert.deepEqual(await page.evaluate("window.remoraCharts.live.data.labels"), ["sort counters 128KiB", "sort (WASI) counters 128KiB"]);
    await page.locator("#card-live").screenshot({ path: join(SHOTS, "dashboard-live.png") });

    assert.deepEqual(errors, []);
    const outside = requests.filter((u) => !u.startsWith("file://") && !u.startsWith(url) && !u.startsWith("blob:") && !u.startsWith("data:"));
    assert.deepEqual(outside, [], "requests that left localhost");
  } finally {
    server.close();
    await browser.close();
  }
});
