// A systematic Reed–Solomon erasure code over GF(2^8) (--redundancy ec:D+P): a page is split into
// D data fragments, and P parity fragments are computed from them; any D of the D+P fragments
// give the page back. Written here because the one maintained wasm package,
// @digitaldefiance/reed-solomon-erasure.wasm 1.0.2, failed on this machine: its reconstruct()
// trapped ("memory access out of bounds" in wee_alloc) on the second call for 2+1; the other,
// @ronomon/reed-solomon, is a native addon (npm ci must build nothing). Plain JavaScript, no
// Node-only import: it runs in the browser too.
//
// The code's matrix is [I; C] with C a Cauchy matrix, C[i][j] = 1 / (x_i + y_j), x_i = D + i,
// y_j = j: every square submatrix of a Cauchy matrix is invertible, so any D rows of [I; C] are,
// and any D fragments decode (Blömer et al., "An XOR-based erasure-resilient coding scheme",
// 1995; the construction of Jerasure's and ISA-L's Cauchy codes). GF(2^8) with the polynomial
// x^8 + x^4 + x^3 + x^2 + 1 (0x11d), as in those libraries.

const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255];
}

export function gfMul(a: number, b: number): number {
  return a === 0 || b === 0 ? 0 : EXP[LOG[a] + LOG[b]];
}

export function gfInv(a: number): number {
  if (a === 0) throw new RangeError("0 has no inverse in GF(2^8)");
  return EXP[255 - LOG[a]];
}

/** A table of c * x for every byte x: one lookup a byte in the inner loops. */
function mulTable(c: number): Uint8Array {
  const t = new Uint8Array(256);
  for (let x = 1; x < 256; x++) t[x] = gfMul(c, x);
  return t;
}

/** dst ^= c * src, byte by byte. */
function mulAdd(dst: Uint8Array, src: Uint8Array, table: Uint8Array): void {
  for (let k = 0; k < dst.length; k++) dst[k] ^= table[src[k]];
}

export class ReedSolomon {
  /** Row r of the code's matrix (r < D: a unit row; r >= D: a Cauchy row), D bytes each. */
  private readonly rows: Uint8Array[];
  private readonly parityTables: Uint8Array[][];

  constructor(readonly dataFragments: number, readonly parityFragments: number) {
    const d = dataFragments;
    const p = parityFragments;
    if (!(Number.isInteger(d) && Number.isInteger(p) && d >= 1 && p >= 0 && d + p <= 256)) {
      throw new RangeError(`a Reed–Solomon code over GF(2^8) has D >= 1, P >= 0 and D + P <= 256, not ${d}+${p}`);
    }
    this.rows = [];
    for (let r = 0; r < d; r++) {
      const row = new Uint8Array(d);
      row[r] = 1;
      this.rows.push(row);
    }
    for (let i = 0; i < p; i++) this.rows.push(Uint8Array.from({ length: d }, (_, j) => gfInv((d + i) ^ j)));
    this.parityTables = this.rows.slice(d).map((row) => Array.from(row, mulTable));
  }

  /** Fills fragments[D..D+P) (parity) from fragments[0..D) (data); all of one length. */
  encode(fragments: Uint8Array[]): void {
    const d = this.dataFragments;
    for (let i = 0; i < this.parityFragments; i++) {
      const parity = fragments[d + i];
      parity.fill(0);
      for (let j = 0; j < d; j++) mulAdd(parity, fragments[j], this.parityTables[i][j]);
    }
  }

  /**
   * Rebuilds the fragments whose `present` is false from D that are present (all of one
   * length, every slot of `fragments` allocated). Throws when fewer than D are present.
   */
  reconstruct(fragments: Uint8Array[], present: boolean[]): void {
    const d = this.dataFragments;
    const have: number[] = [];
    for (let r = 0; r < fragments.length && have.length < d; r++) if (present[r]) have.push(r);
    if (have.length < d) throw new Error(`${have.length} fragments of ${fragments.length} are left; ${d} are needed`);
    const missingData = Array.from({ length: d }, (_, j) => j).filter((j) => !present[j]);
    if (missingData.length > 0) {
      // data = M^-1 x (the fragments in `have`), where M holds their rows of the code's matrix.
      const inverse = invert(have.map((r) => this.rows[r]));
      for (const j of missingData) {
        const out = fragments[j];
        out.fill(0);
        for (let k = 0; k < d; k++) if (inverse[j][k] !== 0) mulAdd(out, fragments[have[k]], mulTable(inverse[j][k]));
      }
    }
    // Parity that is missing: encode again from the (now complete) data.
    for (let i = 0; i < this.parityFragments; i++) {
      if (present[d + i]) continue;
      const parity = fragments[d + i];
      parity.fill(0);
      for (let j = 0; j < d; j++) mulAdd(parity, fragments[j], this.parityTables[i][j]);
    }
  }
}

/** The inverse of a square matrix over GF(2^8) (Gauss–Jordan); throws if it is singular. */
function invert(matrix: Uint8Array[]): Uint8Array[] {
  const n = matrix.length;
  const a = matrix.map((row) => Uint8Array.from(row));
  const inv = Array.from({ length: n }, (_, i) => {
    const row = new Uint8Array(n);
    row[i] = 1;
    return row;
  });
  for (let col = 0; col < n; col++) {
    let pivot = col;
    while (pivot < n && a[pivot][col] === 0) pivot++;
    if (pivot === n) throw new Error("singular matrix: these fragments do not determine the page");
    [a[col], a[pivot]] = [a[pivot], a[col]];
    [inv[col], inv[pivot]] = [inv[pivot], inv[col]];
    const scale = gfInv(a[col][col]);
    for (let k = 0; k < n; k++) {
      a[col][k] = gfMul(a[col][k], scale);
      inv[col][k] = gfMul(inv[col][k], scale);
    }
    for (let r = 0; r < n; r++) {
      const f = a[r][col];
      if (r === col || f === 0) continue;
      for (let k = 0; k < n; k++) {
        a[r][k] ^= gfMul(f, a[col][k]);
        inv[r][k] ^= gfMul(f, inv[col][k]);
      }
    }
  }
  return inv;
}
