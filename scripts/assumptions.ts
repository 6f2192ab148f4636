// Prints every preset's, link's and disk's assumptions as Markdown: the "Assumptions" section of
// docs/REPRODUCTION.md is this output (test/reproduce.test.ts checks that they agree).
import { DISKS } from "../host/disks/index.ts";
import { LINKS } from "../host/links/index.ts";
import { PRESETS } from "../host/presets/index.ts";

export function assumptionsMarkdown(): string {
  const section = (kind: string, table: Record<string, { description: string; assumptions: string[] }>) =>
    Object.entries(table).map(([name, m]) => [`### ${kind} \`${name}\`: ${m.description}`, "", ...m.assumptions.map((a) => `- ${a}`), ""].join("\n"));
  return [...section("preset", PRESETS), ...section("link", LINKS), ...section("disk", DISKS)].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(assumptionsMarkdown());
