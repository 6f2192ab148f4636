// The swap file and its write-behind cache: every page reads back as last written, whether it is
// still in the cache or has been pushed out to the file.
import assert from "node:assert/strict";
import { test } from "node:test";
import { SwapFile } from "../host/swapfile.ts";

const PAGE = 4096;
const page = (fill: number) => new Uint8Array(PAGE).fill(fill);

for (const cachePages of [0, 3, 1000]) {
  test(`with a cache of ${cachePages} pages, every page reads back as last written`, () => {
    const file = new SwapFile(PAGE, undefined, cachePages * PAGE);
    try {
      for (let v = 0; v < 10; v++) file.write(v, page(v + 1));
      file.write(4, page(99)); // rewritten after being pushed out
      file.write(9, page(77)); // rewritten while cached
      assert.equal(file.pagesStored, 10);
      assert.equal(file.pagesOnFile, cachePages >= 10 ? 0 : cachePages === 0 ? 10 : 10 - cachePages);
      assert.equal(file.has(10), false);
      const into = new Uint8Array(PAGE);
      for (let v = 0; v < 10; v++) {
        file.read(v, into);
        const want = v === 4 ? 99 : v === 9 ? 77 : v + 1;
        assert.ok(into.every((b) => b === want), `page ${v}: ${into[0]} instead of ${want}`);
      }
    } finally {
      file.close();
    }
  });
}
