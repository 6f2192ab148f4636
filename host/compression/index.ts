// The page codecs of --compress, by name ("none" is no codec). Adding one: a module beside this
// file (its compress/decompress and its speed on the reference core, codec.ts) and a line here.
import type { Codec } from "./codec.ts";
import { deflate } from "./deflate.ts";
import { lz4 } from "./lz4.ts";

export const CODECS: Record<string, Codec> = { lz4, deflate };

export const COMPRESS_CHOICES = ["none", ...Object.keys(CODECS)];

/** The policies whose page transfers --compress applies to. */
export const COMPRESSING_POLICIES = ["disk", "ram-disk"];
