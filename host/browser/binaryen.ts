// Browser twin of host/instrument/binaryen.ts: binaryen.js as its package exports it. A page has
// no V8 code cache to load it from, and no cache folder to save one in.
import binaryen from "binaryen";
import type * as Node from "../instrument/binaryen.ts";

export default binaryen;

export const saveBinaryenCode: typeof Node.saveBinaryenCode = () => {};
