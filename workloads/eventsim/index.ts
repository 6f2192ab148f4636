import type { WorkloadSpec } from "../spec.ts";
import { CHECKSUM_INIT, Rng, mix, mixF64 } from "../lib/rng.ts";

// Model constants shared with program.ts.
const QCAP = 24;
const WINDOW = 4;
const RTO = 0.5;
const EVENTS_PER_NODE = 500;

const SEND = 0;
const TXDONE = 1;
const ARRIVE = 2;

interface Link {
  from: number;
  to: number;
  bw: number;
  delay: number;
  busy: boolean;
  cur: number;
  queue: number[]; // FIFO of waiting packets
  txCount: number;
  drops: number;
}
interface Flow {
  src: number;
  dst: number;
  size: number;
  delivered: number;
}
interface Packet {
  flow: number;
  node: number;
  hops: number;
  sent: number;
}
interface Event {
  t: number;
  seq: number;
  kind: number;
  id: number;
}

/** Binary min-heap on (t, seq): keys are unique, so the pop order is fully determined. */
class EventQueue {
  private items: Event[] = [];
  private seq = 0;
  get size(): number {
    return this.items.length;
  }
  private static less(a: Event, b: Event): boolean {
    return a.t < b.t || (a.t === b.t && a.seq < b.seq);
  }
  push(t: number, kind: number, id: number): void {
    const items = this.items;
    items.push({ t, seq: this.seq++, kind, id });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!EventQueue.less(items[i], items[parent])) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }
  pop(): Event {
    const items = this.items;
    const top = items[0];
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && EventQueue.less(items[l], items[m])) m = l;
        if (r < items.length && EventQueue.less(items[r], items[m])) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m], items[i]];
        i = m;
      }
    }
    return top;
  }
}

function simulate(n: number, seed: number): number {
  const rng = new Rng(seed);

  // Random recursive tree plus n/2 shortcuts; each undirected edge e gives links 2e (a->b), 2e+1.
  const pairs: [number, number][] = [];
  for (let i = 1; i < n; i++) pairs.push([i, rng.nextU32() % i]);
  for (let e = 0; e < Math.floor(n / 2); e++) {
    const a = rng.nextU32() % n;
    const b = rng.nextU32() % n;
    if (a !== b) pairs.push([a, b]);
  }
  const links: Link[] = [];
  const mk = (from: number, to: number, bw: number, delay: number): Link => ({
    from, to, bw, delay, busy: false, cur: -1, queue: [], txCount: 0, drops: 0,
  });
  for (const [a, b] of pairs) {
    const bw = (1 + (rng.nextU32() % 10)) * 125000;
    const delay = 0.001 + 0.009 * rng.nextF64();
    links.push(mk(a, b, bw, delay), mk(b, a, bw, delay));
  }
  const out: number[][] = Array.from({ length: n }, () => []);
  links.forEach((l, id) => out[l.from].push(id));

  // nextHop[d * n + v]: link from v on a BFS shortest path to d (BFS from d in link order).
  const nextHop = new Int32Array(n * n).fill(-1);
  const dist = new Int32Array(n);
  for (let d = 0; d < n; d++) {
    dist.fill(-1);
    dist[d] = 0;
    const frontier = [d];
    for (let qi = 0; qi < frontier.length; qi++) {
      const u = frontier[qi];
      for (const id of out[u]) {
        const w = links[id].to;
        if (dist[w] >= 0) continue;
        dist[w] = dist[u] + 1;
        nextHop[d * n + w] = id ^ 1;
        frontier.push(w);
      }
    }
  }

  const flows: Flow[] = [];
  for (let f = 0; f < 2 * n; f++) {
    const src = rng.nextU32() % n;
    let dst = rng.nextU32() % (n - 1);
    if (dst >= src) dst++;
    flows.push({ src, dst, size: 200 + (rng.nextU32() % 1300), delivered: 0 });
  }
  const packets: Packet[] = [];
  for (let p = 0; p < flows.length * WINDOW; p++) packets.push({ flow: Math.floor(p / WINDOW), node: 0, hops: 0, sent: 0 });

  const events = new EventQueue();
  for (let p = 0; p < packets.length; p++) events.push(0.1 * rng.nextF64(), SEND, p);

  let drops = 0;
  let delivered = 0;
  let totalHops = 0;
  let totalDelay = 0;

  const forward = (p: number, node: number, now: number): void => {
    const flow = flows[packets[p].flow];
    const id = nextHop[flow.dst * n + node];
    const link = links[id];
    if (!link.busy) {
      link.busy = true;
      link.cur = p;
      events.push(now + flow.size / link.bw, TXDONE, id);
    } else if (link.queue.length < QCAP) {
      link.queue.push(p);
    } else {
      link.drops++;
      drops++;
      events.push(now + RTO, SEND, p);
    }
  };

  let now = 0;
  for (let ev = 0; ev < EVENTS_PER_NODE * n && events.size > 0; ev++) {
    const e = events.pop();
    now = e.t;
    if (e.kind === SEND) {
      const pk = packets[e.id];
      pk.sent = now;
      pk.hops = 0;
      pk.node = flows[pk.flow].src;
      forward(e.id, pk.node, now);
    } else if (e.kind === TXDONE) {
      const link = links[e.id];
      const pk = packets[link.cur];
      pk.hops++;
      pk.node = link.to;
      link.txCount++;
      events.push(now + link.delay, ARRIVE, link.cur);
      const q = link.queue.shift();
      if (q !== undefined) {
        link.cur = q;
        events.push(now + flows[packets[q].flow].size / link.bw, TXDONE, e.id);
      } else {
        link.busy = false;
        link.cur = -1;
      }
    } else {
      const pk = packets[e.id];
      const flow = flows[pk.flow];
      if (pk.node === flow.dst) {
        delivered++;
        flow.delivered++;
        totalHops += pk.hops;
        const oneWay = now - pk.sent;
        totalDelay += oneWay;
        events.push(now + oneWay, SEND, e.id);
      } else {
        forward(e.id, pk.node, now);
      }
    }
  }

  let h = CHECKSUM_INIT;
  h = mix(h, delivered >>> 0);
  h = mix(h, drops >>> 0);
  h = mix(h, totalHops >>> 0);
  h = mixF64(h, totalDelay);
  h = mixF64(h, now);
  h = mix(h, events.size);
  for (const l of links) {
    h = mix(h, l.txCount);
    h = mix(h, l.drops);
    h = mix(h, l.queue.length);
  }
  for (const f of flows) h = mix(h, f.delivered);
  return h;
}

export const eventsim: WorkloadSpec = {
  name: "eventsim",
  description:
    "packet-level discrete-event network simulation: n nodes, 2n windowed flows, drop-tail links, " +
    "flat n x n routing tables, an event heap (the ns2 role in Hines et al., " +
    "\"Anemone: Adaptive Network Memory Engine\", 2005)",
  accessPattern:
    "routing tables written row by row (one BFS per destination), then scattered next-hop " +
    "lookups across the n*n table, a hot event heap and random link/packet records",
  // n: nodes. The routing tables (4n^2 bytes) dominate; events simulated = 500n.
  sizes: { tiny: 450, small: 1400, medium: 4000, large: 6000 },
  workingSetBytes(n) {
    const edges = n - 1 + Math.floor(n / 2); // a few shortcuts are self-loops and skipped
    const links = 2 * edges;
    const flows = 2 * n;
    const packets = flows * WINDOW;
    const route = 4 * n * n;
    const linkObjs = links * (80 + 4); // object plus array slot, including allocator headers
    const flowObjs = flows * (48 + 4);
    const packetObjs = packets * (48 + 4);
    const graph = 4 * (edges * 2) + 4 * (n + 1) + 4 * links * 2 + 4 * n * 3;
    const eventHeap = 16 * (packets + links);
    return route + linkObjs + flowObjs + packetObjs + graph + eventHeap;
  },
  reference(n, seed) {
    return simulate(n, seed);
  },
};
