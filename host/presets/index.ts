// The presets, by name. Adding one: a module beside this file and a line here.
import { anemone05 } from "./anemone05.ts";
import { defaultPreset } from "./default.ts";
import { markatos96 } from "./markatos96.ts";
import { modern } from "./modern.ts";
import type { Preset } from "./preset.ts";

export const PRESETS: Record<string, Preset> = { default: defaultPreset, markatos96, anemone05, modern };
