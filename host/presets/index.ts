// The presets, by name. Adding one: a module beside this file and a line here.
import { defaultPreset } from "./default.ts";
import { markatos96 } from "./markatos96.ts";
import type { Preset } from "./preset.ts";

export const PRESETS: Record<string, Preset> = { default: defaultPreset, markatos96 };
