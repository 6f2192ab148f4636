// RAYTRACE (the POV-Ray role in Anemone, Hines et al. 2005): a ray tracer over a large scene. n
// objects (3/4 spheres, 1/4 triangles; 128-byte records in a managed StaticArray<f64>) lie in a
// slab L x 4 x L units (L = sqrt(n/2)), indexed by a uniform grid of unit cells whose object lists
// are built by a counting sort into StaticArray<i32>s. A pinhole camera high above the slab looks
// straight down, so scanlines sweep the grid row by row; each primary ray walks the grid (3-D DDA),
// tests the objects listed in each cell (scattered over the object array), casts a shadow ray
// towards a directional light and, off mirror spheres, reflection rays that can cross the slab
// sideways. The image (S x S, S = sqrt(n/4)) is an f64 RGB framebuffer. Only +, -, *, /, sqrt and
// floor are used on floats, so a TypeScript reference reproduces every bit.
import { seedRng, nextU32, nextF64, mixF64, CHECKSUM_INIT } from "../lib/rng.as";

const REC: i32 = 16; // f64 slots per object record
// Record layout: 0 kind (0 sphere, 1 triangle), 1 reflectivity, 2..4 colour,
// 5..7 centre / v0, 8 radius / 8..10 edge1, 11..13 edge2, 14..15 spare.
const SLAB: i32 = 4; // slab height in cells (cell size 1)
const EPS: f64 = 1e-7;
const OFFSET: f64 = 1e-6;
const MAX_DEPTH: i32 = 3;
const AMBIENT: f64 = 0.15;

let L: i32 = 0; // grid cells along x and z
let objs: StaticArray<f64> = new StaticArray<f64>(0);
let cellStart: StaticArray<i32> = new StaticArray<i32>(0);
let refs: StaticArray<i32> = new StaticArray<i32>(0);

// Results of the last grid walk.
let hitT: f64 = 0.0;
let hitObj: i32 = -1;

// Light direction (towards the light), normalised at start-up.
let lx: f64 = 0.0;
let ly: f64 = 0.0;
let lz: f64 = 0.0;

// Ray parameter t > EPS of the first intersection with object k, or -1.
@inline
function intersect(k: i32, ox: f64, oy: f64, oz: f64, dx: f64, dy: f64, dz: f64): f64 {
  const b0 = k * REC;
  if (unchecked(objs[b0]) == 0.0) {
    const ocx = ox - unchecked(objs[b0 + 5]);
    const ocy = oy - unchecked(objs[b0 + 6]);
    const ocz = oz - unchecked(objs[b0 + 7]);
    const r = unchecked(objs[b0 + 8]);
    const b = ocx * dx + ocy * dy + ocz * dz;
    const c = ocx * ocx + ocy * ocy + ocz * ocz - r * r;
    const disc = b * b - c;
    if (disc < 0.0) return -1.0;
    const s = Math.sqrt(disc);
    let t = -b - s;
    if (t > EPS) return t;
    t = -b + s;
    if (t > EPS) return t;
    return -1.0;
  }
  const e1x = unchecked(objs[b0 + 8]);
  const e1y = unchecked(objs[b0 + 9]);
  const e1z = unchecked(objs[b0 + 10]);
  const e2x = unchecked(objs[b0 + 11]);
  const e2y = unchecked(objs[b0 + 12]);
  const e2z = unchecked(objs[b0 + 13]);
  const px = dy * e2z - dz * e2y;
  const py = dz * e2x - dx * e2z;
  const pz = dx * e2y - dy * e2x;
  const det = e1x * px + e1y * py + e1z * pz;
  if (Math.abs(det) < 1e-12) return -1.0;
  const inv = 1.0 / det;
  const tx = ox - unchecked(objs[b0 + 5]);
  const ty = oy - unchecked(objs[b0 + 6]);
  const tz = oz - unchecked(objs[b0 + 7]);
  const u = (tx * px + ty * py + tz * pz) * inv;
  if (u < 0.0 || u > 1.0) return -1.0;
  const qx = ty * e1z - tz * e1y;
  const qy = tz * e1x - tx * e1z;
  const qz = tx * e1y - ty * e1x;
  const v = (dx * qx + dy * qy + dz * qz) * inv;
  if (v < 0.0 || u + v > 1.0) return -1.0;
  const t = (e2x * qx + e2y * qy + e2z * qz) * inv;
  return t > EPS ? t : -1.0;
}

// Walks the grid from the ray's entry point. anyHit: stop at the first object hit at all (shadow
// rays); otherwise find the nearest hit, accepted only within the current cell.
function walk(ox: f64, oy: f64, oz: f64, dx: f64, dy: f64, dz: f64, anyHit: bool): bool {
  hitObj = -1;
  const G = <f64>L;
  let t0: f64 = 0.0;
  let t1: f64 = 1e30;
  // Clip against the box [0,G] x [0,SLAB] x [0,G].
  if (Math.abs(dx) < 1e-12) {
    if (ox < 0.0 || ox > G) return false;
  } else {
    let ta = (0.0 - ox) / dx;
    let tb = (G - ox) / dx;
    if (ta > tb) { const s = ta; ta = tb; tb = s; }
    if (ta > t0) t0 = ta;
    if (tb < t1) t1 = tb;
  }
  if (Math.abs(dy) < 1e-12) {
    if (oy < 0.0 || oy > <f64>SLAB) return false;
  } else {
    let ta = (0.0 - oy) / dy;
    let tb = (<f64>SLAB - oy) / dy;
    if (ta > tb) { const s = ta; ta = tb; tb = s; }
    if (ta > t0) t0 = ta;
    if (tb < t1) t1 = tb;
  }
  if (Math.abs(dz) < 1e-12) {
    if (oz < 0.0 || oz > G) return false;
  } else {
    let ta = (0.0 - oz) / dz;
    let tb = (G - oz) / dz;
    if (ta > tb) { const s = ta; ta = tb; tb = s; }
    if (ta > t0) t0 = ta;
    if (tb < t1) t1 = tb;
  }
  if (t0 > t1) return false;
  let ix = <i32>Math.floor(ox + dx * t0);
  let iy = <i32>Math.floor(oy + dy * t0);
  let iz = <i32>Math.floor(oz + dz * t0);
  if (ix < 0) ix = 0;
  if (ix > L - 1) ix = L - 1;
  if (iy < 0) iy = 0;
  if (iy > SLAB - 1) iy = SLAB - 1;
  if (iz < 0) iz = 0;
  if (iz > L - 1) iz = L - 1;

  let sx: i32 = 0, sy: i32 = 0, sz: i32 = 0;
  let mx: f64 = 1e30, my: f64 = 1e30, mz: f64 = 1e30;
  let ddx: f64 = 1e30, ddy: f64 = 1e30, ddz: f64 = 1e30;
  if (dx > 1e-12) { sx = 1; mx = (<f64>(ix + 1) - ox) / dx; ddx = 1.0 / dx; }
  else if (dx < -1e-12) { sx = -1; mx = (<f64>ix - ox) / dx; ddx = -1.0 / dx; }
  if (dy > 1e-12) { sy = 1; my = (<f64>(iy + 1) - oy) / dy; ddy = 1.0 / dy; }
  else if (dy < -1e-12) { sy = -1; my = (<f64>iy - oy) / dy; ddy = -1.0 / dy; }
  if (dz > 1e-12) { sz = 1; mz = (<f64>(iz + 1) - oz) / dz; ddz = 1.0 / dz; }
  else if (dz < -1e-12) { sz = -1; mz = (<f64>iz - oz) / dz; ddz = -1.0 / dz; }

  while (true) {
    const cell = (iz * SLAB + iy) * L + ix;
    let tNext = mx;
    if (my < tNext) tNext = my;
    if (mz < tNext) tNext = mz;
    let best = tNext;
    const end = unchecked(cellStart[cell + 1]);
    for (let r = unchecked(cellStart[cell]); r < end; r++) {
      const k = unchecked(refs[r]);
      const t = intersect(k, ox, oy, oz, dx, dy, dz);
      if (t > 0.0) {
        if (anyHit) {
          hitObj = k;
          hitT = t;
          return true;
        }
        if (t < best) {
          best = t;
          hitObj = k;
        }
      }
    }
    if (hitObj >= 0) {
      hitT = best;
      return true;
    }
    if (mx < my) {
      if (mx < mz) {
        ix += sx;
        if (ix < 0 || ix >= L) return false;
        mx += ddx;
      } else {
        iz += sz;
        if (iz < 0 || iz >= L) return false;
        mz += ddz;
      }
    } else {
      if (my < mz) {
        iy += sy;
        if (iy < 0 || iy >= SLAB) return false;
        my += ddy;
      } else {
        iz += sz;
        if (iz < 0 || iz >= L) return false;
        mz += ddz;
      }
    }
  }
}

// Colour of a primary ray, written to fb[at..at+2]: iterative, with up to MAX_DEPTH mirror bounces.
function trace(fb: StaticArray<f64>, at: i32, ox0: f64, oy0: f64, oz0: f64, dx0: f64, dy0: f64, dz0: f64): void {
  let ox = ox0, oy = oy0, oz = oz0, dx = dx0, dy = dy0, dz = dz0;
  let cr: f64 = 0.0, cg: f64 = 0.0, cb: f64 = 0.0;
  let w: f64 = 1.0;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    if (!walk(ox, oy, oz, dx, dy, dz, false)) {
      if (dy < -1e-3) {
        // Ground plane y = 0: a checkerboard, shadowed by the objects above it.
        const t = (0.0 - oy) / dy;
        const px = ox + dx * t;
        const pz = oz + dz * t;
        const c = Math.floor(px) + Math.floor(pz);
        const parity = c - 2.0 * Math.floor(c * 0.5);
        const base = parity == 0.0 ? 0.8 : 0.3;
        let light = AMBIENT;
        if (!walk(px, OFFSET, pz, lx, ly, lz, true)) light += ly;
        const v = w * base * light;
        cr += v;
        cg += v;
        cb += v;
      } else {
        // Sky gradient.
        const s = 0.5 + 0.5 * dy;
        cr += w * (0.5 * s);
        cg += w * (0.6 * s + 0.1);
        cb += w * (0.9 * s + 0.1);
      }
      break;
    }
    const k = hitObj;
    const t = hitT;
    const b0 = k * REC;
    const hx = ox + dx * t;
    const hy = oy + dy * t;
    const hz = oz + dz * t;
    let nx: f64, ny: f64, nz: f64;
    if (unchecked(objs[b0]) == 0.0) {
      const ir = 1.0 / unchecked(objs[b0 + 8]);
      nx = (hx - unchecked(objs[b0 + 5])) * ir;
      ny = (hy - unchecked(objs[b0 + 6])) * ir;
      nz = (hz - unchecked(objs[b0 + 7])) * ir;
    } else {
      const e1x = unchecked(objs[b0 + 8]), e1y = unchecked(objs[b0 + 9]), e1z = unchecked(objs[b0 + 10]);
      const e2x = unchecked(objs[b0 + 11]), e2y = unchecked(objs[b0 + 12]), e2z = unchecked(objs[b0 + 13]);
      nx = e1y * e2z - e1z * e2y;
      ny = e1z * e2x - e1x * e2z;
      nz = e1x * e2y - e1y * e2x;
      const il = 1.0 / Math.sqrt(nx * nx + ny * ny + nz * nz);
      nx *= il;
      ny *= il;
      nz *= il;
      if (nx * dx + ny * dy + nz * dz > 0.0) {
        nx = -nx;
        ny = -ny;
        nz = -nz;
      }
    }
    const px = hx + nx * OFFSET;
    const py = hy + ny * OFFSET;
    const pz = hz + nz * OFFSET;
    let light = AMBIENT;
    const ndl = nx * lx + ny * ly + nz * lz;
    if (ndl > 0.0) {
      if (!walk(px, py, pz, lx, ly, lz, true)) light += ndl;
    }
    const refl = unchecked(objs[b0 + 1]);
    const f = w * (1.0 - refl) * light;
    cr += f * unchecked(objs[b0 + 2]);
    cg += f * unchecked(objs[b0 + 3]);
    cb += f * unchecked(objs[b0 + 4]);
    if (refl == 0.0) break;
    w *= refl;
    const dn = 2.0 * (dx * nx + dy * ny + dz * nz);
    dx -= dn * nx;
    dy -= dn * ny;
    dz -= dn * nz;
    ox = px;
    oy = py;
    oz = pz;
  }
  unchecked((fb[at] = cr));
  unchecked((fb[at + 1] = cg));
  unchecked((fb[at + 2] = cb));
}

export function run(n: i32, seed: u32): u32 {
  seedRng(seed);
  L = <i32>Math.floor(Math.sqrt(<f64>n * 0.5));
  if (L < 8) L = 8;
  const G = <f64>L;
  const H = <f64>SLAB;

  // Scene: n objects, generated in random order (neighbours in space are far apart in memory).
  objs = new StaticArray<f64>(n * REC);
  for (let k = 0; k < n; k++) {
    const b0 = k * REC;
    const kind = nextU32() & 3;
    if (kind != 3) {
      const r = 0.15 + 0.35 * nextF64();
      objs[b0] = 0.0;
      objs[b0 + 5] = G * nextF64();
      objs[b0 + 6] = r + (H - 2.0 * r) * nextF64();
      objs[b0 + 7] = G * nextF64();
      objs[b0 + 8] = r;
      objs[b0 + 1] = kind == 0 ? 0.5 : 0.0;
    } else {
      const cx = G * nextF64();
      const cy = 0.5 + (H - 1.0) * nextF64();
      const cz = G * nextF64();
      const ax = cx + nextF64() - 0.5, ay = cy + nextF64() - 0.5, az = cz + nextF64() - 0.5;
      const bx = cx + nextF64() - 0.5, by = cy + nextF64() - 0.5, bz = cz + nextF64() - 0.5;
      const qx = cx + nextF64() - 0.5, qy = cy + nextF64() - 0.5, qz = cz + nextF64() - 0.5;
      objs[b0] = 1.0;
      objs[b0 + 5] = ax;
      objs[b0 + 6] = ay;
      objs[b0 + 7] = az;
      objs[b0 + 8] = bx - ax;
      objs[b0 + 9] = by - ay;
      objs[b0 + 10] = bz - az;
      objs[b0 + 11] = qx - ax;
      objs[b0 + 12] = qy - ay;
      objs[b0 + 13] = qz - az;
      objs[b0 + 1] = 0.0;
    }
    objs[b0 + 2] = 0.2 + 0.8 * nextF64();
    objs[b0 + 3] = 0.2 + 0.8 * nextF64();
    objs[b0 + 4] = 0.2 + 0.8 * nextF64();
  }

  // Grid: count the cells each object's bounding box overlaps, prefix-sum, then fill the lists
  // back to front so each cell lists its objects in increasing order.
  const cells = L * SLAB * L;
  cellStart = new StaticArray<i32>(cells + 1);
  for (let pass = 0; pass < 2; pass++) {
    if (pass == 1) {
      let sum = 0;
      for (let c = 0; c < cells; c++) {
        sum += cellStart[c];
        cellStart[c] = sum;
      }
      cellStart[cells] = sum;
      refs = new StaticArray<i32>(sum);
    }
    for (let k = pass == 0 ? 0 : n - 1; pass == 0 ? k < n : k >= 0; k += pass == 0 ? 1 : -1) {
      const b0 = k * REC;
      let x0: f64, x1: f64, y0: f64, y1: f64, z0: f64, z1: f64;
      if (objs[b0] == 0.0) {
        const r = objs[b0 + 8];
        x0 = objs[b0 + 5] - r; x1 = objs[b0 + 5] + r;
        y0 = objs[b0 + 6] - r; y1 = objs[b0 + 6] + r;
        z0 = objs[b0 + 7] - r; z1 = objs[b0 + 7] + r;
      } else {
        const ax = objs[b0 + 5], ay = objs[b0 + 6], az = objs[b0 + 7];
        const bx = ax + objs[b0 + 8], by = ay + objs[b0 + 9], bz = az + objs[b0 + 10];
        const qx = ax + objs[b0 + 11], qy = ay + objs[b0 + 12], qz = az + objs[b0 + 13];
        x0 = Math.min(ax, Math.min(bx, qx)); x1 = Math.max(ax, Math.max(bx, qx));
        y0 = Math.min(ay, Math.min(by, qy)); y1 = Math.max(ay, Math.max(by, qy));
        z0 = Math.min(az, Math.min(bz, qz)); z1 = Math.max(az, Math.max(bz, qz));
      }
      const i0 = clampCell(x0, L), i1 = clampCell(x1, L);
      const j0 = clampCell(y0, SLAB), j1 = clampCell(y1, SLAB);
      const k0 = clampCell(z0, L), k1 = clampCell(z1, L);
      for (let kz = k0; kz <= k1; kz++) {
        for (let jy = j0; jy <= j1; jy++) {
          for (let ix = i0; ix <= i1; ix++) {
            const c = (kz * SLAB + jy) * L + ix;
            if (pass == 0) {
              cellStart[c] += 1;
            } else {
              const at = cellStart[c] - 1;
              cellStart[c] = at;
              refs[at] = k;
            }
          }
        }
      }
    }
  }

  // Light and camera.
  {
    const il = 1.0 / Math.sqrt(0.3 * 0.3 + 1.0 + 0.5 * 0.5);
    lx = 0.3 * il;
    ly = il;
    lz = 0.5 * il;
  }
  let S = <i32>Math.floor(Math.sqrt(<f64>n * 0.25));
  if (S < 8) S = 8;
  const fb = new StaticArray<f64>(S * S * 3);
  const ex = 0.5 * G, ey = H + G, ez = 0.5 * G;
  const invS = 1.0 / <f64>S;
  for (let py = 0; py < S; py++) {
    const v = (<f64>py + 0.5) * invS - 0.5;
    for (let px = 0; px < S; px++) {
      const u = (<f64>px + 0.5) * invS - 0.5;
      const il = 1.0 / Math.sqrt(u * u + 1.0 + v * v);
      trace(fb, (py * S + px) * 3, ex, ey, ez, u * il, -il, v * il);
    }
  }

  let h = CHECKSUM_INIT;
  const m = S * S * 3;
  for (let i = 0; i < m; i++) h = mixF64(h, fb[i]);
  return h;
}

function clampCell(x: f64, limit: i32): i32 {
  let i = <i32>Math.floor(x);
  if (i < 0) i = 0;
  if (i > limit - 1) i = limit - 1;
  return i;
}
