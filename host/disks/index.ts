// The disk models, by name. Adding one: a module beside this file and a line here.
import type { DiskModel } from "./disk.ts";
import { hdd7200 } from "./hdd7200.ts";
import { nvme } from "./nvme.ts";
import { rz55 } from "./rz55.ts";

export const DISKS: Record<string, DiskModel> = { rz55, hdd7200, nvme };
