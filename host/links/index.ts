// The link models, by name. Adding one: a module beside this file and a line here.
import { ethernet25g } from "./25g.ts";
import { atm155 } from "./atm155.ts";
import { ethernet10 } from "./ethernet10.ts";
import { gigabit } from "./gigabit.ts";
import type { LinkModel } from "./link.ts";
import { rdma100 } from "./rdma100.ts";

export const LINKS: Record<string, LinkModel> = { ethernet10, atm155, gigabit, "25g": ethernet25g, rdma100 };
