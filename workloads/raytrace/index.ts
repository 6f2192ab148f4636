import type { WorkloadSpec } from "../spec.ts";
import { CHECKSUM_INIT, Rng, mixF64 } from "../lib/rng.ts";

// Scene geometry shared with program.ts (all derived from n).
const SLAB = 4;
const EPS = 1e-7;
const OFFSET = 1e-6;
const MAX_DEPTH = 3;
const AMBIENT = 0.15;
const BIG = 1e30;

function gridSide(n: number): number {
  return Math.max(8, Math.floor(Math.sqrt(n * 0.5)));
}
function imageSide(n: number): number {
  return Math.max(8, Math.floor(Math.sqrt(n * 0.25)));
}

interface Sphere {
  kind: 0;
  refl: number;
  r: number;
  g: number;
  b: number;
  cx: number;
  cy: number;
  cz: number;
  radius: number;
}
interface Triangle {
  kind: 1;
  refl: number;
  r: number;
  g: number;
  b: number;
  ax: number;
  ay: number;
  az: number;
  e1: [number, number, number];
  e2: [number, number, number];
}
type Obj = Sphere | Triangle;

function hitSphere(s: Sphere, o: number[], d: number[]): number {
  const ocx = o[0] - s.cx;
  const ocy = o[1] - s.cy;
  const ocz = o[2] - s.cz;
  const b = ocx * d[0] + ocy * d[1] + ocz * d[2];
  const c = ocx * ocx + ocy * ocy + ocz * ocz - s.radius * s.radius;
  const disc = b * b - c;
  if (disc < 0) return -1;
  const root = Math.sqrt(disc);
  const near = -b - root;
  if (near > EPS) return near;
  const far = -b + root;
  return far > EPS ? far : -1;
}

// Moller-Trumbore.
function hitTriangle(tr: Triangle, o: number[], d: number[]): number {
  const [e1x, e1y, e1z] = tr.e1;
  const [e2x, e2y, e2z] = tr.e2;
  const px = d[1] * e2z - d[2] * e2y;
  const py = d[2] * e2x - d[0] * e2z;
  const pz = d[0] * e2y - d[1] * e2x;
  const det = e1x * px + e1y * py + e1z * pz;
  if (Math.abs(det) < 1e-12) return -1;
  const inv = 1 / det;
  const tx = o[0] - tr.ax;
  const ty = o[1] - tr.ay;
  const tz = o[2] - tr.az;
  const u = (tx * px + ty * py + tz * pz) * inv;
  if (u < 0 || u > 1) return -1;
  const qx = ty * e1z - tz * e1y;
  const qy = tz * e1x - tx * e1z;
  const qz = tx * e1y - ty * e1x;
  const v = (d[0] * qx + d[1] * qy + d[2] * qz) * inv;
  if (v < 0 || u + v > 1) return -1;
  const t = (e2x * qx + e2y * qy + e2z * qz) * inv;
  return t > EPS ? t : -1;
}

class Scene {
  readonly dims: [number, number, number];
  readonly lists: number[][]; // object indices per cell, increasing
  constructor(
    readonly objs: Obj[],
    readonly side: number,
  ) {
    this.dims = [side, SLAB, side];
    this.lists = Array.from({ length: side * SLAB * side }, () => [] as number[]);
    const cellOf = (x: number, axis: number) => Math.min(this.dims[axis] - 1, Math.max(0, Math.floor(x)));
    objs.forEach((ob, k) => {
      let lo: number[], hi: number[];
      if (ob.kind === 0) {
        lo = [ob.cx - ob.radius, ob.cy - ob.radius, ob.cz - ob.radius];
        hi = [ob.cx + ob.radius, ob.cy + ob.radius, ob.cz + ob.radius];
      } else {
        const a = [ob.ax, ob.ay, ob.az];
        const b = a.map((x, i) => x + ob.e1[i]);
        const c = a.map((x, i) => x + ob.e2[i]);
        lo = a.map((x, i) => Math.min(x, b[i], c[i]));
        hi = a.map((x, i) => Math.max(x, b[i], c[i]));
      }
      const l = lo.map((x, i) => cellOf(x, i));
      const h = hi.map((x, i) => cellOf(x, i));
      for (let z = l[2]; z <= h[2]; z++)
        for (let y = l[1]; y <= h[1]; y++)
          for (let x = l[0]; x <= h[0]; x++) this.lists[(z * SLAB + y) * side + x].push(k);
    });
  }

  private hit(k: number, o: number[], d: number[]): number {
    const ob = this.objs[k];
    return ob.kind === 0 ? hitSphere(ob, o, d) : hitTriangle(ob, o, d);
  }

  /** 3-D DDA through the grid: nearest hit (within the cell being visited) or, if anyHit, any hit. */
  walk(o: number[], d: number[], anyHit: boolean): { k: number; t: number } | null {
    const hiBound = [this.side, SLAB, this.side];
    let t0 = 0;
    let t1 = BIG;
    for (let a = 0; a < 3; a++) {
      if (Math.abs(d[a]) < 1e-12) {
        if (o[a] < 0 || o[a] > hiBound[a]) return null;
      } else {
        let ta = (0 - o[a]) / d[a];
        let tb = (hiBound[a] - o[a]) / d[a];
        if (ta > tb) [ta, tb] = [tb, ta];
        if (ta > t0) t0 = ta;
        if (tb < t1) t1 = tb;
      }
    }
    if (t0 > t1) return null;
    const idx = [0, 1, 2].map((a) => Math.min(this.dims[a] - 1, Math.max(0, Math.floor(o[a] + d[a] * t0))));
    const step = [0, 0, 0];
    const tMax = [BIG, BIG, BIG];
    const tDelta = [BIG, BIG, BIG];
    for (let a = 0; a < 3; a++) {
      if (d[a] > 1e-12) {
        step[a] = 1;
        tMax[a] = (idx[a] + 1 - o[a]) / d[a];
        tDelta[a] = 1 / d[a];
      } else if (d[a] < -1e-12) {
        step[a] = -1;
        tMax[a] = (idx[a] - o[a]) / d[a];
        tDelta[a] = -1 / d[a];
      }
    }
    for (;;) {
      const list = this.lists[(idx[2] * SLAB + idx[1]) * this.side + idx[0]];
      let best = Math.min(tMax[0], tMax[1], tMax[2]);
      let found = -1;
      for (const k of list) {
        const t = this.hit(k, o, d);
        if (t <= 0) continue;
        if (anyHit) return { k, t };
        if (t < best) {
          best = t;
          found = k;
        }
      }
      if (found >= 0) return { k: found, t: best };
      // Advance along the axis whose boundary is nearest (ties: z over x, z over y, y over x).
      const a = tMax[0] < tMax[1] ? (tMax[0] < tMax[2] ? 0 : 2) : tMax[1] < tMax[2] ? 1 : 2;
      idx[a] += step[a];
      if (idx[a] < 0 || idx[a] >= this.dims[a]) return null;
      tMax[a] += tDelta[a];
    }
  }
}

function render(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const side = gridSide(n);
  const G = side;
  const H = SLAB;
  const objs: Obj[] = [];
  for (let k = 0; k < n; k++) {
    const kind = rng.nextU32() & 3;
    let ob: Obj;
    if (kind !== 3) {
      const radius = 0.15 + 0.35 * rng.nextF64();
      const cx = G * rng.nextF64();
      const cy = radius + (H - 2 * radius) * rng.nextF64();
      const cz = G * rng.nextF64();
      ob = { kind: 0, refl: kind === 0 ? 0.5 : 0, r: 0, g: 0, b: 0, cx, cy, cz, radius };
    } else {
      const cx = G * rng.nextF64();
      const cy = 0.5 + (H - 1) * rng.nextF64();
      const cz = G * rng.nextF64();
      const v: number[][] = [];
      for (let i = 0; i < 3; i++) v.push([cx + rng.nextF64() - 0.5, cy + rng.nextF64() - 0.5, cz + rng.nextF64() - 0.5]);
      const [a, b, c] = v;
      ob = {
        kind: 1,
        refl: 0,
        r: 0,
        g: 0,
        b: 0,
        ax: a[0],
        ay: a[1],
        az: a[2],
        e1: [b[0] - a[0], b[1] - a[1], b[2] - a[2]],
        e2: [c[0] - a[0], c[1] - a[1], c[2] - a[2]],
      };
    }
    ob.r = 0.2 + 0.8 * rng.nextF64();
    ob.g = 0.2 + 0.8 * rng.nextF64();
    ob.b = 0.2 + 0.8 * rng.nextF64();
    objs.push(ob);
  }
  const scene = new Scene(objs, side);

  const il = 1 / Math.sqrt(0.3 * 0.3 + 1 + 0.5 * 0.5);
  const light = [0.3 * il, il, 0.5 * il];

  const trace = (o: number[], d: number[]): [number, number, number] => {
    const col = [0, 0, 0];
    let w = 1;
    for (let depth = 0; depth < MAX_DEPTH; depth++) {
      const hit = scene.walk(o, d, false);
      if (hit === null) {
        if (d[1] < -1e-3) {
          const t = (0 - o[1]) / d[1];
          const gx = o[0] + d[0] * t;
          const gz = o[2] + d[2] * t;
          const c = Math.floor(gx) + Math.floor(gz);
          const base = c - 2 * Math.floor(c * 0.5) === 0 ? 0.8 : 0.3;
          const lit = scene.walk([gx, OFFSET, gz], light, true) === null ? AMBIENT + light[1] : AMBIENT;
          const v = w * base * lit;
          col[0] += v;
          col[1] += v;
          col[2] += v;
        } else {
          const s = 0.5 + 0.5 * d[1];
          col[0] += w * (0.5 * s);
          col[1] += w * (0.6 * s + 0.1);
          col[2] += w * (0.9 * s + 0.1);
        }
        break;
      }
      const ob = objs[hit.k];
      const p = [0, 1, 2].map((a) => o[a] + d[a] * hit.t);
      let nrm: number[];
      if (ob.kind === 0) {
        const ir = 1 / ob.radius;
        nrm = [(p[0] - ob.cx) * ir, (p[1] - ob.cy) * ir, (p[2] - ob.cz) * ir];
      } else {
        const [e1x, e1y, e1z] = ob.e1;
        const [e2x, e2y, e2z] = ob.e2;
        nrm = [e1y * e2z - e1z * e2y, e1z * e2x - e1x * e2z, e1x * e2y - e1y * e2x];
        const inv = 1 / Math.sqrt(nrm[0] * nrm[0] + nrm[1] * nrm[1] + nrm[2] * nrm[2]);
        nrm = nrm.map((x) => x * inv);
        if (nrm[0] * d[0] + nrm[1] * d[1] + nrm[2] * d[2] > 0) nrm = nrm.map((x) => -x);
      }
      const q = [0, 1, 2].map((a) => p[a] + nrm[a] * OFFSET);
      let lit = AMBIENT;
      const ndl = nrm[0] * light[0] + nrm[1] * light[1] + nrm[2] * light[2];
      if (ndl > 0 && scene.walk(q, light, true) === null) lit += ndl;
      const f = w * (1 - ob.refl) * lit;
      col[0] += f * ob.r;
      col[1] += f * ob.g;
      col[2] += f * ob.b;
      if (ob.refl === 0) break;
      w *= ob.refl;
      const dn = 2 * (d[0] * nrm[0] + d[1] * nrm[1] + d[2] * nrm[2]);
      d = [d[0] - dn * nrm[0], d[1] - dn * nrm[1], d[2] - dn * nrm[2]];
      o = q;
    }
    return col as [number, number, number];
  };

  const S = imageSide(n);
  const fb = new Float64Array(S * S * 3);
  const eye = [0.5 * G, H + G, 0.5 * G];
  const invS = 1 / S;
  for (let py = 0; py < S; py++) {
    const v = (py + 0.5) * invS - 0.5;
    for (let px = 0; px < S; px++) {
      const u = (px + 0.5) * invS - 0.5;
      const inv = 1 / Math.sqrt(u * u + 1 + v * v);
      fb.set(trace(eye, [u * inv, -inv, v * inv]), (py * S + px) * 3);
    }
  }
  return fb;
}

export const raytrace: WorkloadSpec = {
  name: "raytrace",
  description:
    "ray tracer over n spheres and triangles indexed by a uniform grid, rendered into an f64 " +
    "framebuffer (the POV-Ray role in Hines et al., \"Anemone: Adaptive Network Memory Engine\", 2005)",
  accessPattern:
    "scanline sweep over a large grid plus scattered reads of 128-byte object records; " +
    "shadow and reflection rays jump to distant cells",
  // n: scene objects (128 bytes each), in a slab of sqrt(n/2)^2 x 4 unit cells; image sqrt(n/4)^2.
  sizes: { tiny: 5000, small: 50000, medium: 400000, large: 1000000 },
  workingSetBytes(n) {
    const side = gridSide(n);
    const S = imageSide(n);
    const refsPerObject = 4.24; // measured mean of grid cells overlapped by an object's bounding box
    return n * 128 + (side * SLAB * side + 1) * 4 + Math.round(n * refsPerObject) * 4 + S * S * 3 * 8;
  },
  reference(n, seed) {
    const fb = render(n, seed);
    let h = CHECKSUM_INIT;
    for (let i = 0; i < fb.length; i++) h = mixF64(h, fb[i]);
    return h;
  },
};
