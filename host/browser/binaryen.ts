// Browser twin of host/instrument/binaryen.ts: binaryen.js as its package exports it. A page has
// no cache folder to keep it split in.
import binaryen from "binaryen";

export default binaryen;
