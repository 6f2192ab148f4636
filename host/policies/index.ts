// The policies, by name. Adding one: a module beside this file and a line here.
import { countersPolicy } from "./counters.ts";
import { diskPolicy } from "./disk.ts";
import { localPolicy } from "./local.ts";
import type { Policy } from "./policy.ts";
import { ramDiskPolicy } from "./ram-disk.ts";
import { remoteMainPolicy } from "./remote-main.ts";
import { softwareCountersPolicy } from "./software-counters.ts";

export const POLICIES: Record<string, Policy> = {
  local: localPolicy,
  disk: diskPolicy,
  "ram-disk": ramDiskPolicy,
  "remote-main": remoteMainPolicy,
  counters: countersPolicy,
  "software-counters": softwareCountersPolicy,
};
