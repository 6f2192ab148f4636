// The playground page: one or two panes, each a configuration, its emulator worker
// (host/browser/emulator-worker.ts) and its live views. The configuration lives in the URL
// (pane B's keys start with "b."), so a link reproduces it; run=1 runs at load.
import type { Tick } from "../../../host/browser/emulator-worker.ts";
import { REPLACEMENTS } from "../../../host/config.ts";
import { LINKS } from "../../../host/links/index.ts";
import { POLICIES } from "../../../host/policies/index.ts";
import { PRESETS } from "../../../host/presets/index.ts";
import { WORKLOADS } from "../../../workloads/index.ts";
import { COLOURS, drawPageMap, drawSplit, drawTimeline, pageAt } from "./views.ts";

/** What the playground offers: the built-in workloads at the sizes a browser runs in seconds. */
const SIZES = ["tiny", "small"];
const PAGE_SIZES = ["1KiB", "2KiB", "4KiB", "8KiB", "16KiB", "32KiB", "64KiB"];
/** Policies the playground offers: every one (their memory servers are Web Workers here). */
const POLICY_NAMES = Object.keys(POLICIES);

interface Field {
  key: string;
  label: string;
  choices?: string[];
  /** The choice that means "the preset's" (omitted from the run's options). */
  blank?: string;
  initial: string;
}

const FIELDS: Field[] = [
  { key: "workload", label: "workload", choices: Object.keys(WORKLOADS), initial: "trans" },
  { key: "size", label: "size", choices: SIZES, initial: "tiny" },
  { key: "policy", label: "policy", choices: POLICY_NAMES, initial: "counters" },
  { key: "localPages", label: "local pages", initial: "64" },
  { key: "counter", label: "counter initial value", initial: "256" },
  { key: "replacement", label: "replacement", choices: [...REPLACEMENTS], initial: "lru" },
  { key: "preset", label: "preset", choices: Object.keys(PRESETS), initial: "default" },
  { key: "pageSize", label: "page size", choices: PAGE_SIZES, blank: "preset's", initial: "" },
  { key: "link", label: "link", choices: Object.keys(LINKS), blank: "preset's", initial: "" },
];

/** How often the live views are updated: 8 times a second. */
const TICK_MILLIS = 125;

const $ = <T extends HTMLElement>(sel: string, root: ParentNode = document) => root.querySelector(sel) as T;
const params = new URLSearchParams(location.search);

class Pane {
  readonly root: HTMLElement;
  private worker: Worker | null = null;
  private ticks: Tick[] = [];
  private map: Uint8Array | null = null;
  private dirty = false;
  private file: { name: string; bytes: ArrayBuffer } | null = null;
  running = false;
  /** Settles when the pane's current run ends. */
  done: Promise<void> = Promise.resolve();

  constructor(readonly id: "a" | "b", readonly prefix: string) {
    this.root = document.createElement("section");
    this.root.className = "pane";
    this.root.id = `pane-${id}`;
    const resultId = id === "a" ? "result-json" : "result-json-b";
    this.root.innerHTML = `
      <h2>configuration ${id.toUpperCase()}</h2>
      <form class="config"></form>
      <div class="status" aria-live="polite"></div>
      <figure><figcaption>page map: each virtual page, where it is; darker, more used</figcaption>
        <canvas class="pagemap" id="pagemap-${id}"></canvas>
        <div class="legend">
          <span style="--c:${COLOURS.local}">local frame</span><span style="--c:${COLOURS.server}">memory server</span>
          <span style="--c:${COLOURS.disk}">disk</span><span style="--c:${COLOURS.untouched}">never touched</span>
        </div>
        <div class="hover"></div></figure>
      <figure><figcaption>timeline: per interval, and modelled against wall time</figcaption>
        <canvas class="timeline" id="timeline-${id}"></canvas></figure>
      <figure><figcaption>modelled time so far: <span style="color:${COLOURS.local}">local accesses</span>,
        <span style="color:${COLOURS.server}">remote accesses</span>, <span style="color:${COLOURS.disk}">page transfers</span></figcaption>
        <canvas class="split" id="split-${id}"></canvas><p class="now"></p></figure>
      <table class="figures"></table>
      <a class="download" hidden>download the result (JSON, as remora run --json)</a>
      <pre id="${resultId}" hidden></pre>`;
    const form = $<HTMLFormElement>(".config", this.root);
    for (const f of FIELDS) {
      const label = document.createElement("label");
      label.textContent = f.label;
      const given = params.get(prefix + f.key);
      let input: HTMLInputElement | HTMLSelectElement;
      if (f.choices) {
        input = document.createElement("select");
        for (const c of [...(f.blank !== undefined ? [""] : []), ...f.choices]) input.add(new Option(c === "" ? f.blank! : c, c));
      } else {
        input = document.createElement("input");
        input.inputMode = "numeric";
      }
      input.name = f.key;
      input.value = given ?? f.initial;
      input.addEventListener("change", () => updateShareLink());
      label.append(input);
      form.append(label);
    }
    const canvas = $<HTMLCanvasElement>(".pagemap", this.root);
    canvas.addEventListener("mousemove", (e) => {
      if (!this.map) return;
      const v = pageAt(canvas, this.map.length / 2, e.offsetX, e.offsetY);
      const where = ["never touched", "local frame", "memory server", "disk"];
      $(".hover", this.root).textContent = v < 0 ? "" : `page ${v} (0x${(v * (this.ticks.at(-1)?.pageSize ?? 0)).toString(16)}): ${where[this.map[2 * v]]}, use ${this.map[2 * v + 1]}/255`;
    });
  }

  /** The run's options, as `remora run` takes them: blank fields are the preset's. */
  options(): Record<string, string | number> {
    const o: Record<string, string | number> = {};
    for (const el of Array.from($<HTMLFormElement>(".config", this.root).elements) as HTMLInputElement[]) {
      if (el.value !== "") o[el.name] = el.value;
    }
    // n is the size parameter of a workload file; a built-in workload has its sizes.
    if (this.file && o.workload === this.file.name) o.n = Number(o.n ?? 0);
    else delete o.n;
    delete o.args;
    delete o.size;
    if (!String(o.workload).endsWith(".wasm")) o.size = this.value("size");
    return o;
  }

  value(key: string): string {
    return ($<HTMLFormElement>(".config", this.root).elements.namedItem(key) as HTMLInputElement).value;
  }

  /** A dropped workload file: offered in the workload menu, with its size parameter n. */
  useFile(name: string, bytes: ArrayBuffer): void {
    this.file = { name, bytes };
    const select = $<HTMLSelectElement>("select[name=workload]", this.root);
    if (!Array.from(select.options).some((o) => o.value === name)) select.add(new Option(`file: ${name}`, name));
    select.value = name;
    if (!$("input[name=n]", this.root)) {
      // A workload's size parameter, or a WASI command's arguments: the worker knows which it is.
      for (const [name, text, value] of [["n", "n (a workload's run(n, seed))", "100"], ["args", "arguments (a WASI command's)", ""]]) {
        const label = document.createElement("label");
        label.textContent = text;
        const input = document.createElement("input");
        input.name = name;
        input.value = value;
        label.append(input);
        $(".config", this.root).append(label);
      }
    }
  }

  status(text: string, error = false): void {
    const el = $(".status", this.root);
    el.textContent = text;
    el.classList.toggle("error", error);
  }

  run(live: boolean): void {
    // A worker that is done keeps its instrumented modules for the next run; one still running is
    // stopped.
    if (this.running) {
      this.worker?.terminate();
      this.worker = null;
    }
    this.ticks = [];
    this.map = null;
    this.running = true;
    $(".download", this.root).hidden = true;
    const pre = $("pre", this.root);
    pre.hidden = true;
    pre.textContent = "";
    $("table.figures", this.root).innerHTML = "";
    const reuse = this.worker !== null;
    this.status(reuse ? "running..." : "loading the emulator (binaryen and the MMU)...");
    const worker = this.worker ?? new Worker(new URL("./emulator.js", import.meta.url), { type: "module", name: `remora emulator ${this.id}` });
    this.worker = worker;
    const options = this.options();
    const file = this.file && options.workload === this.file.name ? { name: this.file.name, bytes: this.file.bytes.slice(0) } : undefined;
    const args = file ? (($<HTMLInputElement>("input[name=args]", this.root)?.value ?? "").trim().split(/\s+/).filter(Boolean)) : [];
    const request = { type: "run", options, file, args, tickMillis: live ? Number(params.get("tick") ?? TICK_MILLIS) : null };
    let finish!: () => void;
    this.done = new Promise((resolve) => (finish = resolve));
    worker.onmessage = (e: MessageEvent) => {
      const m = e.data;
      // The worker's modules (binaryen) finish loading with a top-level await: a message posted
      // before then would find no listener, so the run is posted once the worker says it is ready.
      if (m.type === "ready") worker.postMessage(request);
      else if (m.type === "status") this.status(`${m.text}...`);
      else if (m.type === "tick") {
        this.ticks.push(m as Tick);
        this.map = (m as Tick).pageMap;
        this.dirty = true;
        requestFrame();
      } else if (m.type === "done") {
        this.running = false;
        this.dirty = true;
        requestFrame();
        this.showResult(m.result);
        finish();
      } else if (m.type === "error") {
        this.running = false;
        this.status(m.message, true);
        finish();
      }
    };
    if (reuse) worker.postMessage(request);
    worker.onerror = (e) => {
      this.running = false;
      this.worker = null;
      this.status(`the emulator failed: ${e.message}`, true);
      finish();
    };
  }

  /** Ticks received in the current run (the tests read the live views' rate from it). */
  get tickCount(): number {
    return this.ticks.length;
  }

  /** Redraws the views if a tick came since the last frame. */
  draw(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const last = this.ticks.at(-1);
    if (!last || !this.map) return;
    drawPageMap($(".pagemap", this.root), this.map);
    drawTimeline($(".timeline", this.root), this.ticks);
    drawSplit($(".split", this.root), last);
    const pct = (x: number) => `${((100 * x) / Math.max(1, last.accesses)).toFixed(2)}%`;
    const total = last.localMicros + last.remoteMicros + last.stallMicros;
    const share = (x: number) => `${((100 * x) / Math.max(1e-9, total)).toFixed(1)}%`;
    $(".now", this.root).textContent = `${last.accesses.toLocaleString("en-US")} accesses: ${pct(last.accesses - last.remoteAccesses)} local, `
      + `${pct(last.remoteAccesses)} remote; ${last.pageIns.toLocaleString("en-US")} pages brought in, ${last.migrations.toLocaleString("en-US")} migrations; `
      + `average access cost ${last.avgAccessCycles.toFixed(2)} cycles; modelled time: ${share(last.localMicros)} local accesses, `
      + `${share(last.remoteMicros)} remote accesses, ${share(last.stallMicros)} page transfers`;
  }

  private showResult(result: Record<string, unknown>): void {
    const json = JSON.stringify(result);
    const command = "exitCode" in result;
    const rows: [string, unknown][] = [
      ...(command
        ? [["exit code", `${result.exitCode}${result.trap !== null ? ` (trapped: ${result.trap})` : ""}`], ["stdout", String(result.stdout).slice(0, 2000)], ["stderr", String(result.stderr).slice(0, 2000)]] as [string, unknown][]
        : [["checksum", `${result.checksum} ${result.verified ? "(verified)" : `(native ${result.nativeChecksum}: differs!)`}`]] as [string, unknown][]),
      ...(["accesses", "localAccesses", "remoteAccesses", "pageFaults", "pageIns", "pageOuts", "migrations", "diskReads", "diskWrites", "networkBytes", "modelledCycles"] as const)
        .map((k): [string, unknown] => [k, (result[k] as number).toLocaleString("en-US")]),
      ["modelled time", `${(result.modelledSeconds as number).toPrecision(4)} s`],
      ["average access cost", `${(result.avgAccessCycles as number).toFixed(3)} cycles`],
      ["wall time", `${(result.wallSeconds as number).toFixed(3)} s${command ? "" : ` (native ${(result.nativeWallSeconds as number).toFixed(3)} s)`}`],
    ];
    const table = $<HTMLTableElement>("table.figures", this.root);
    table.innerHTML = "";
    for (const [k, v] of rows) table.insertRow().append(Object.assign(document.createElement("td"), { textContent: k }), Object.assign(document.createElement("td"), { textContent: String(v) }));
    const a = $<HTMLAnchorElement>(".download", this.root);
    a.href = URL.createObjectURL(new Blob([`${json}\n`], { type: "application/json" }));
    a.download = `remora-${result.workload ?? result.program}-${result.policy}.json`;
    a.hidden = false;
    this.status(`done in ${(result.wallSeconds as number).toFixed(2)} s of emulation`);
    const pre = $("pre", this.root);
    pre.textContent = json;
  }
}

/** One redraw at the next animation frame, of the panes that had news since the last: the page
 *  draws only when a tick came (the emulator's worker shares the machine's cores with it). */
let framePending = false;
function requestFrame(): void {
  if (framePending) return;
  framePending = true;
  requestAnimationFrame(() => {
    framePending = false;
    for (const p of panes) p.draw();
  });
}

function updateShareLink(): void {
  const q = new URLSearchParams();
  for (const pane of panes.filter((p) => p.id === "a" || sideBySide.checked)) {
    for (const f of FIELDS) q.set(pane.prefix + f.key, pane.value(f.key));
  }
  q.set("run", "1");
  $<HTMLAnchorElement>("#share").href = `?${q}`;
}

/** Why this browser cannot run the playground, or null. */
function missing(): string | null {
  if (typeof WebAssembly !== "object") return "This browser has no WebAssembly, which the emulator is made of: use a current Chrome, Firefox or Safari.";
  if (typeof SharedArrayBuffer !== "function" || !crossOriginIsolated) {
    return "This page is not cross-origin isolated, so SharedArrayBuffer (which the memory servers share with the emulator) is off. "
      + "Serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp, as ./bin/remora dashboard does (http://127.0.0.1:8080/playground).";
  }
  return null;
}

const panes = [new Pane("a", ""), new Pane("b", "b.")];
(window as unknown as { remoraPlayground: unknown }).remoraPlayground = { panes };
const sideBySide = $<HTMLInputElement>("#side-by-side");
sideBySide.checked = params.get("compare") === "1" || [...params.keys()].some((k) => k.startsWith("b."));
const showPanes = () => {
  const main = $("#panes");
  main.replaceChildren(...panes.filter((p) => p.id === "a" || sideBySide.checked).map((p) => p.root));
  updateShareLink();
};
sideBySide.addEventListener("change", showPanes);
const live = $<HTMLInputElement>("#live");
live.checked = params.get("views") !== "0";
showPanes();

const problem = missing();
const runButton = $<HTMLButtonElement>("#run");
if (problem !== null) {
  const box = $("#unsupported");
  box.textContent = problem;
  box.hidden = false;
  runButton.disabled = true;
} else {
  const runAll = async () => {
    const active = panes.filter((p) => p.id === "a" || sideBySide.checked);
    for (const p of active) p.run(live.checked);
    await Promise.all(active.map((p) => p.done));
    document.body.dataset.state = "done";
  };
  runButton.addEventListener("click", () => {
    document.body.dataset.state = "running";
    void runAll();
  });
  // A workload of one's own, dropped anywhere on the page, goes into configuration A.
  document.addEventListener("dragover", (e) => {
    e.preventDefault();
    document.body.classList.add("dragging");
  });
  document.addEventListener("dragleave", () => document.body.classList.remove("dragging"));
  const useFile = async (file: File | undefined) => {
    if (!file) return;
    if (!file.name.endsWith(".wasm")) {
      panes[0].status(`${file.name} is not a .wasm file`, true);
      return;
    }
    panes[0].useFile(file.name, await file.arrayBuffer());
    panes[0].status(`${file.name} loaded into configuration A: set n (a workload) or the arguments (a WASI command) and run`);
  };
  document.addEventListener("drop", (e) => {
    e.preventDefault();
    document.body.classList.remove("dragging");
    void useFile(e.dataTransfer?.files[0]);
  });
  $<HTMLInputElement>("#file").addEventListener("change", (e) => void useFile((e.target as HTMLInputElement).files?.[0]));
  if (params.get("run") === "1") {
    document.body.dataset.state = "running";
    void runAll();
  }
}
