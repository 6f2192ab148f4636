// The playground's live views, drawn on canvases from the ticks the emulator worker posts
// (host/browser/emulator-worker.ts): the page map, the timeline and where the modelled time went.
import type { Tick } from "../../../host/browser/emulator-worker.ts";

export const COLOURS = { untouched: "#e4e4e7", local: "#1a9850", server: "#2c7bb6", disk: "#d7301f" };
/** A cell's colour by where its page is (page-map.ts WHERE), dark to light by how much it is used. */
const HUES: [number, number, number][] = [[240, 5, 90], [146, 71, 0], [204, 61, 0], [7, 75, 0]];

/** Sizes the canvas's backing store to its CSS box; returns its context and CSS size. */
function fit(canvas: HTMLCanvasElement): { ctx: CanvasRenderingContext2D; w: number; h: number } {
  const ratio = window.devicePixelRatio || 1;
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(h * ratio);
  }
  const ctx = canvas.getContext("2d")!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, w, h);
  return { ctx, w, h };
}

/** The grid a page map of n pages takes in a w x h box: columns and the cell's side. */
export function grid(n: number, w: number, h: number): { cols: number; cell: number } {
  let cell = Math.max(1, Math.floor(Math.sqrt((w * h) / Math.max(1, n))));
  while (cell > 1 && Math.ceil(n / Math.floor(w / cell)) * cell > h) cell--;
  return { cols: Math.max(1, Math.floor(w / cell)), cell };
}

/** Every cell colour, made once: 4 places x 256 levels of use (a fillStyle string is parsed on
 *  each assignment, so the map costs a few fillRects, not thousands of colour strings, a frame). */
const PALETTE: string[][] = HUES.map(([hue, sat, light0], where) => Array.from({ length: 256 }, (_, use) =>
  // Used more: darker (light0 + 55 for an unused page, light0 + 20 for the most used).
  `hsl(${hue} ${sat}% ${where === 0 ? light0 : light0 + 55 - (35 * use) / 255}%)`));

export function drawPageMap(canvas: HTMLCanvasElement, map: Uint8Array): void {
  const { ctx, w, h } = fit(canvas);
  const n = map.length / 2;
  const { cols, cell } = grid(n, w, h);
  const gap = cell >= 4 ? 1 : 0;
  // Cells of one colour in a row are one rectangle.
  for (let row = 0; row * cols < n; row++) {
    const end = Math.min(n, (row + 1) * cols);
    for (let v = row * cols; v < end;) {
      const where = map[2 * v];
      const use = where === 0 ? 0 : map[2 * v + 1];
      let run = 1;
      while (v + run < end && map[2 * (v + run)] === where && (where === 0 || map[2 * (v + run) + 1] === use)) run++;
      ctx.fillStyle = PALETTE[where][use];
      if (gap === 0) ctx.fillRect((v % cols) * cell, row * cell, run * cell, cell);
      else for (let k = 0; k < run; k++) ctx.fillRect(((v + k) % cols) * cell, row * cell, cell - gap, cell - gap);
      v += run;
    }
  }
}

/** Which virtual page is under the point (x, y) of the canvas, or -1. */
export function pageAt(canvas: HTMLCanvasElement, n: number, x: number, y: number): number {
  const { cols, cell } = grid(n, canvas.clientWidth, canvas.clientHeight);
  const col = Math.floor(x / cell);
  const v = Math.floor(y / cell) * cols + col;
  return col < cols && v >= 0 && v < n ? v : -1;
}

const SERIES = [
  { key: "pageFaults", label: "page faults", colour: "#d7301f" },
  { key: "migrations", label: "migrations", colour: "#7b3294" },
  { key: "remoteAccesses", label: "remote accesses", colour: "#2c7bb6" },
] as const;

/** Per interval (between two ticks): faults, migrations and remote accesses, each scaled to its
 *  own largest interval; below, modelled time against wall time. */
export function drawTimeline(canvas: HTMLCanvasElement, ticks: Tick[]): void {
  const { ctx, w, h } = fit(canvas);
  // Every line starts from the run's start: nothing done at wall time 0.
  ticks = [{ ...ticks[0], wallMillis: 0, modelledMicros: 0, pageFaults: 0, migrations: 0, remoteAccesses: 0 }, ...ticks];
  ctx.font = "11px system-ui, sans-serif";
  const top = Math.round(h * 0.58);
  const wallEnd = Math.max(1, ticks.at(-1)?.wallMillis ?? 1);
  const x = (t: Tick) => 4 + ((w - 8) * t.wallMillis) / wallEnd;
  ctx.strokeStyle = "#d4d4d8";
  ctx.beginPath();
  ctx.moveTo(0, top + 0.5);
  ctx.lineTo(w, top + 0.5);
  ctx.stroke();
  let legendX = 4;
  let legendY = 12;
  for (const s of SERIES) {
    const deltas = ticks.map((t, i) => (i === 0 ? t[s.key] : t[s.key] - ticks[i - 1][s.key]));
    const max = Math.max(0, ...deltas);
    ctx.strokeStyle = s.colour;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ticks.forEach((t, i) => {
      const y = top - 4 - (max > 0 ? ((top - 44) * deltas[i]) / max : 0); // room above for the legend
      if (i === 0) ctx.moveTo(x(t), y);
      else ctx.lineTo(x(t), y);
    });
    ctx.stroke();
    const label = `${s.label} (max ${max.toLocaleString("en-US")} per tick)`;
    ctx.fillStyle = s.colour;
    const width = ctx.measureText(label).width;
    if (legendX > 4 && legendX + width > w) {
      legendX = 4;
      legendY += 13;
    }
    ctx.fillText(label, legendX, legendY);
    legendX += width + 12;
  }
  // Modelled seconds against wall seconds.
  const modelledEnd = Math.max(1e-9, ticks.at(-1)?.modelledMicros ?? 0);
  ctx.strokeStyle = "#18181b";
  ctx.beginPath();
  ticks.forEach((t, i) => {
    const y = h - 4 - ((h - top - 20) * t.modelledMicros) / modelledEnd;
    if (i === 0) ctx.moveTo(x(t), y);
    else ctx.lineTo(x(t), y);
  });
  ctx.stroke();
  ctx.fillStyle = "#18181b";
  const last = ticks.at(-1);
  ctx.fillText(last ? `modelled ${(last.modelledMicros / 1e6).toPrecision(4)} s against wall ${(last.wallMillis / 1e3).toFixed(2)} s` : "modelled time against wall time", 4, top + 14);
}

/** The modelled time so far, split: local accesses, remote accesses, stalls for page transfers. */
export function drawSplit(canvas: HTMLCanvasElement, t: Tick): void {
  const { ctx, w, h } = fit(canvas);
  const parts = [t.localMicros, t.remoteMicros, t.stallMicros];
  const total = parts.reduce((a, b) => a + b, 0) || 1;
  const colours = [COLOURS.local, COLOURS.server, COLOURS.disk];
  let at = 0;
  parts.forEach((p, i) => {
    const width = (w * p) / total;
    ctx.fillStyle = colours[i];
    ctx.fillRect(at, 0, width, h);
    at += width;
  });
}
