// EVENTSIM (the ns2 role in Anemone, Hines et al. 2005): a packet-level discrete-event network
// simulation. n nodes joined by a random tree plus n/2 random shortcuts (duplex links with their
// own bandwidth, propagation delay and a drop-tail queue of up to QCAP packets linked through the
// packets themselves); flat next-hop routing tables (ns2's per-destination classifiers), n*n i32
// built by one breadth-first search per destination; 2n flows, each keeping WINDOW packets in
// flight (a packet delivered or dropped is resent after an ack delay or a timeout). Events
// (send, link transmit done, packet arrival) live in a binary min-heap ordered by (time, sequence
// number), so many events are pending at once. Links, flows and packets are small classes made
// with `new` once at start-up; the heap is raw memory. The simulation runs a fixed number of events.
import { seedRng, nextU32, nextF64, mix, mixF64, CHECKSUM_INIT } from "../lib/rng.as";

const QCAP: i32 = 24; // drop-tail queue limit per link, in packets
const WINDOW: i32 = 4; // packets in flight per flow
const RTO: f64 = 0.5; // resend delay after a drop, seconds
const EVENTS_PER_NODE: i32 = 500;

const EV_SEND: u32 = 0;
const EV_TXDONE: u32 = 1;
const EV_ARRIVE: u32 = 2;

class Link {
  to: i32 = 0;
  bw: f64 = 0.0; // bytes per second
  delay: f64 = 0.0; // seconds
  busy: bool = false;
  cur: i32 = -1; // packet being transmitted
  head: i32 = -1; // waiting packets, a FIFO linked through Packet.next
  tail: i32 = -1;
  qlen: i32 = 0;
  txCount: i32 = 0;
  drops: i32 = 0;
}

class Flow {
  constructor(
    public src: i32,
    public dst: i32,
    public size: f64,
  ) {}
  delivered: i32 = 0;
}

class Packet {
  flow: i32 = 0;
  node: i32 = 0; // node it is at (or arriving at)
  hops: i32 = 0;
  next: i32 = -1;
  sent: f64 = 0.0;
}

let n: i32 = 0;
let links: Array<Link> = new Array<Link>(0);
let flows: Array<Flow> = new Array<Flow>(0);
let packets: Array<Packet> = new Array<Packet>(0);
let route: StaticArray<i32> = new StaticArray<i32>(0); // route[dst*n + v] = 1 + link from v towards dst

// Event heap: 16-byte entries (time f64, sequence u32, kind << 28 | id u32).
let heapBase: usize = 0;
let heapSize: usize = 0;
let seqNext: u32 = 0;

let now: f64 = 0.0;
let drops: u32 = 0;
let delivered: u32 = 0;
let totalHops: u32 = 0;
let totalDelay: f64 = 0.0;

@inline
function before(a: usize, b: usize): bool {
  const ta = load<f64>(a);
  const tb = load<f64>(b);
  return ta < tb || (ta == tb && load<u32>(a, 8) < load<u32>(b, 8));
}

function schedule(t: f64, kind: u32, id: i32): void {
  let i = heapSize++;
  const seq = seqNext++;
  const tag = (kind << 28) | <u32>id;
  // Sift up.
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const pp = heapBase + (parent << 4);
    const pt = load<f64>(pp);
    if (pt < t || (pt == t && load<u32>(pp, 8) < seq)) break;
    const ip = heapBase + (i << 4);
    store<f64>(ip, pt);
    store<u64>(ip, load<u64>(pp, 8), 8);
    i = parent;
  }
  const ip = heapBase + (i << 4);
  store<f64>(ip, t);
  store<u32>(ip, seq, 8);
  store<u32>(ip, tag, 12);
}

// Removes the minimum; its time and tag are left in popT / popTag.
let popT: f64 = 0.0;
let popTag: u32 = 0;
function pop(): void {
  popT = load<f64>(heapBase);
  popTag = load<u32>(heapBase, 12);
  const last = heapBase + (--heapSize << 4);
  const lt = load<f64>(last);
  const lrest = load<u64>(last, 8);
  let i: usize = 0;
  while (true) {
    let c: usize = 2 * i + 1;
    if (c >= heapSize) break;
    let cp = heapBase + (c << 4);
    if (c + 1 < heapSize && before(cp + 16, cp)) {
      c++;
      cp += 16;
    }
    const ct = load<f64>(cp);
    if (lt < ct || (lt == ct && <u32>lrest < load<u32>(cp, 8))) break;
    const ip = heapBase + (i << 4);
    store<f64>(ip, ct);
    store<u64>(ip, load<u64>(cp, 8), 8);
    i = c;
  }
  const ip = heapBase + (i << 4);
  store<f64>(ip, lt);
  store<u64>(ip, lrest, 8);
}

// Packet p sits at `node`, not its destination: hand it to the next-hop link.
function forward(p: i32, pk: Packet, node: i32, now: f64): void {
  const f = unchecked(flows[pk.flow]);
  const l = unchecked(route[f.dst * n + node]) - 1;
  const link = unchecked(links[l]);
  if (!link.busy) {
    link.busy = true;
    link.cur = p;
    schedule(now + f.size / link.bw, EV_TXDONE, l);
  } else if (link.qlen < QCAP) {
    pk.next = -1;
    if (link.tail >= 0) unchecked(packets[link.tail]).next = p;
    else link.head = p;
    link.tail = p;
    link.qlen++;
  } else {
    link.drops++;
    drops++;
    schedule(now + RTO, EV_SEND, p);
  }
}

// One breadth-first search from destination d fills route row d.
// Reaching w from u over link u -> w means w's next hop towards d is the reverse link w -> u.
function bfs(d: i32, adjStart: StaticArray<i32>, adj: StaticArray<i32>, seen: StaticArray<i32>, queue: StaticArray<i32>): void {
  const row = d * n;
  const stamp = d + 1;
  unchecked((seen[d] = stamp));
  unchecked((queue[0] = d));
  let qh = 0;
  let qt = 1;
  while (qh < qt) {
    const u = unchecked(queue[qh++]);
    const end = unchecked(adjStart[u + 1]);
    for (let j = unchecked(adjStart[u]); j < end; j++) {
      const l = unchecked(adj[j]);
      const w = unchecked(links[l]).to;
      if (unchecked(seen[w]) == stamp) continue;
      unchecked((seen[w] = stamp));
      unchecked((route[row + w] = (l ^ 1) + 1));
      unchecked((queue[qt++] = w));
    }
  }
}

// Pops the earliest event and handles it. (A function of its own, called once per event, so an
// engine with tiered compilation optimises it early.)
function step(): void {
  pop();
  now = popT;
  const kind = popTag >> 28;
  const id = <i32>(popTag & 0x0fffffff);
  if (kind == EV_SEND) {
    const pk = unchecked(packets[id]);
    pk.sent = now;
    pk.hops = 0;
    const src = unchecked(flows[pk.flow]).src;
    pk.node = src;
    forward(id, pk, src, now);
  } else if (kind == EV_TXDONE) {
    const link = unchecked(links[id]);
    const p = link.cur;
    const pk = unchecked(packets[p]);
    pk.hops++;
    pk.node = link.to;
    link.txCount++;
    schedule(now + link.delay, EV_ARRIVE, p);
    if (link.qlen > 0) {
      const q = link.head;
      const qk = unchecked(packets[q]);
      link.head = qk.next;
      if (link.head < 0) link.tail = -1;
      link.qlen--;
      link.cur = q;
      schedule(now + unchecked(flows[qk.flow]).size / link.bw, EV_TXDONE, id);
    } else {
      link.busy = false;
      link.cur = -1;
    }
  } else {
    const pk = unchecked(packets[id]);
    const f = unchecked(flows[pk.flow]);
    if (pk.node == f.dst) {
      delivered++;
      f.delivered++;
      totalHops += <u32>pk.hops;
      const oneWay = now - pk.sent;
      totalDelay += oneWay;
      // The ack takes as long again; then the source sends the next packet.
      schedule(now + oneWay, EV_SEND, id);
    } else {
      forward(id, pk, pk.node, now);
    }
  }
}

export function run(nodes: i32, seed: u32): u32 {
  seedRng(seed);
  n = nodes;

  // Topology: node i > 0 links to a random earlier node; then n/2 random shortcuts.
  // Links come in pairs: 2e is a -> b, 2e + 1 is b -> a.
  const ends = new Array<i32>(0); // a, b per undirected edge
  for (let i = 1; i < n; i++) {
    ends.push(i);
    ends.push(<i32>(nextU32() % <u32>i));
  }
  for (let e = 0; e < n / 2; e++) {
    const a = <i32>(nextU32() % <u32>n);
    const b = <i32>(nextU32() % <u32>n);
    if (a == b) continue;
    ends.push(a);
    ends.push(b);
  }
  const edges = ends.length >> 1;
  const m = edges * 2;
  links = new Array<Link>(m);
  const from = new StaticArray<i32>(m);
  for (let e = 0; e < edges; e++) {
    const a = ends[2 * e];
    const b = ends[2 * e + 1];
    const bw = <f64>(1 + nextU32() % 10) * 125000.0;
    const delay = 0.001 + 0.009 * nextF64();
    const ab = new Link();
    ab.to = b;
    ab.bw = bw;
    ab.delay = delay;
    const ba = new Link();
    ba.to = a;
    ba.bw = bw;
    ba.delay = delay;
    links[2 * e] = ab;
    links[2 * e + 1] = ba;
    from[2 * e] = a;
    from[2 * e + 1] = b;
  }

  // Outgoing links per node (CSR, in link order).
  const adjStart = new StaticArray<i32>(n + 1);
  for (let l = 0; l < m; l++) adjStart[from[l] + 1] += 1;
  for (let v = 0; v < n; v++) adjStart[v + 1] += adjStart[v];
  const adj = new StaticArray<i32>(m);
  const fill = adjStart.slice<StaticArray<i32>>(0, n); // memory.copy of the row starts
  for (let l = 0; l < m; l++) {
    const v = from[l];
    adj[fill[v]] = l;
    fill[v] += 1;
  }

  // Routing tables: a breadth-first search from every destination over the (symmetric) graph.
  route = new StaticArray<i32>(n * n);
  const seen = new StaticArray<i32>(n);
  const queue = new StaticArray<i32>(n);
  for (let d = 0; d < n; d++) bfs(d, adjStart, adj, seen, queue);

  // Flows and their packets.
  const F = 2 * n;
  flows = new Array<Flow>(0);
  for (let f = 0; f < F; f++) {
    const src = <i32>(nextU32() % <u32>n);
    let dst = <i32>(nextU32() % <u32>(n - 1));
    if (dst >= src) dst++;
    const size = <f64>(200 + nextU32() % 1300);
    flows.push(new Flow(src, dst, size));
  }
  const P = F * WINDOW;
  packets = new Array<Packet>(P);
  for (let p = 0; p < P; p++) {
    const pk = new Packet();
    pk.flow = p / WINDOW;
    packets[p] = pk;
  }

  // Events: at most one per packet and one per link pending at any time.
  heapBase = heap.alloc((<usize>P + <usize>m) << 4);
  heapSize = 0;
  seqNext = 0;
  drops = 0;
  delivered = 0;
  totalHops = 0;
  totalDelay = 0.0;
  for (let p = 0; p < P; p++) schedule(0.1 * nextF64(), EV_SEND, p);

  const maxEvents = EVENTS_PER_NODE * n;
  now = 0.0;
  for (let ev = 0; ev < maxEvents && heapSize > 0; ev++) step();

  let h = CHECKSUM_INIT;
  h = mix(h, delivered);
  h = mix(h, drops);
  h = mix(h, totalHops);
  h = mixF64(h, totalDelay);
  h = mixF64(h, now);
  h = mix(h, <u32>heapSize);
  for (let l = 0; l < m; l++) {
    const link = links[l];
    h = mix(h, <u32>link.txCount);
    h = mix(h, <u32>link.drops);
    h = mix(h, <u32>link.qlen);
  }
  for (let f = 0; f < F; f++) h = mix(h, <u32>flows[f].delivered);
  return h;
}
