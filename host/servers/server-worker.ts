// One memory server: a piscina task that runs for the pool's whole life, answering the requests
// its client posts on its channel (host/servers/protocol.ts draws the layout) until STOP.
//
// Its pages live in its own storage SharedArrayBuffer, capacitySlots slots of slotBytes, and
// its slot table says which page each slot holds (host/servers/slots.ts). With the two-sided
// transport the server fills them: PAGE_IN hands the page back and forgets it (the freed slots are
// zeroed right after the answer is posted, off the client's critical path), so a page is either here or with the
// client, never both. With the one-sided transport the client does the same in place and this
// loop only answers COUNT, SLOT_OF and STOP.
//
// Kept free of heavy imports: each worker loads this file through tsx on its own.
import { threadId } from "node:worker_threads";
import {
  CLIENT_SLEEPING, CONTROL_BYTES, DEFAULT_SERVER_SPIN_MICROS, LENGTH, OP, Op, POOL_BYTES, spinForRequest, RESULT, Result, SEQ,
  SERVER_SLEEPING, SPINNER, STATE, State, THREAD_ID, VPAGE, type ServerStats, type ServerTask,
} from "./protocol.ts";
import { pagesInTable, SlotStore } from "./slots.ts";

export default function serve(task: ServerTask): ServerStats {
  const { channel, storage, slotBytes, pageSizeBytes, id } = task;
  const spinMs = (task.spinMicros ?? DEFAULT_SERVER_SPIN_MICROS) / 1000;
  const pool = new Int32Array(task.pool ?? new SharedArrayBuffer(POOL_BYTES), 0, 1);
  if (task.pool === undefined) pool[SPINNER] = id; // alone: always allowed to poll
  const ctrl = new Int32Array(channel, 0, CONTROL_BYTES / 4);
  const data = new Uint8Array(channel, CONTROL_BYTES, pageSizeBytes);
  const store = new Uint8Array(storage);
  const table = new Int32Array(task.slots);

  const slots = new SlotStore(store, table, slotBytes, pageSizeBytes);

  const stats: ServerStats = { id, requests: 0, pageOuts: 0, pageIns: 0, refusedFull: 0, notHeld: 0, pagesHeld: 0, sleeps: 0 };

  Atomics.store(ctrl, THREAD_ID, threadId);
  Atomics.store(ctrl, STATE, State.IDLE);
  Atomics.notify(ctrl, STATE);

  try {
    for (;;) {
      // Wait for a request: poll while this server is the SPINNER, for at most spinMs, then sleep.
      let s = Atomics.load(ctrl, STATE);
      if (s !== State.REQUEST) {
        s = spinForRequest(ctrl, pool, id, spinMs);
        if (s !== State.REQUEST) {
          stats.sleeps++;
          Atomics.store(ctrl, SERVER_SLEEPING, 1);
          while ((s = Atomics.load(ctrl, STATE)) !== State.REQUEST) Atomics.wait(ctrl, STATE, s, 1000);
          Atomics.store(ctrl, SERVER_SLEEPING, 0);
        }
      }

      const op = ctrl[OP];
      const vpage = ctrl[VPAGE];
      stats.requests++;
      let result: number = Result.OK;
      if (op === Op.STOP) {
        break;
      } else if (op === Op.PAGE_OUT) {
        const length = ctrl[LENGTH];
        if (vpage < 0 || !(length >= 1 && length <= pageSizeBytes)) {
          result = Result.BAD_REQUEST;
        } else {
          result = slots.put(vpage, data.subarray(0, length));
          if (result === Result.FULL) stats.refusedFull++;
          else stats.pageOuts++; // the answer is the page's slot: it saves a SLOT_OF before a one-sided access
        }
      } else if (op === Op.PAGE_IN) {
        const length = slots.take(vpage, data, true);
        if (length === Result.NOT_HELD) {
          result = Result.NOT_HELD;
          stats.notHeld++;
        } else {
          ctrl[LENGTH] = length;
          stats.pageIns++;
        }
      } else if (op === Op.COUNT) {
        result = pagesInTable(table);
      } else if (op === Op.SLOT_OF) {
        result = vpage < 0 ? -1 : table.indexOf(vpage);
      } else {
        result = Result.BAD_REQUEST;
      }

      ctrl[RESULT] = result;
      ctrl[SEQ]++;
      Atomics.store(ctrl, STATE, State.RESPONSE);
      if (Atomics.load(ctrl, CLIENT_SLEEPING) !== 0) Atomics.notify(ctrl, STATE);

      slots.zeroDeferred();
    }
  } finally {
    // Stopped or failed: no request will be answered from now on; wake a waiting client.
    ctrl[RESULT] = Result.OK;
    Atomics.store(ctrl, STATE, State.DEAD);
    Atomics.notify(ctrl, STATE);
  }

  stats.pagesHeld = pagesInTable(table);
  return stats;
}
