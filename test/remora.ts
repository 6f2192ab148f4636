// ./bin/remora as a user runs it, for the tests: a child process run to its end (killed after
// timeoutMs, a guard against a hang), its exit status and what it printed.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface Outcome { status: number | null; stdout: string; stderr: string }

export function remora(args: string[], { env = process.env, timeoutMs = 300_000 }: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["bin/remora", ...args], { cwd: ROOT, env, timeout: timeoutMs });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => { stdout += d; });
    child.stderr.setEncoding("utf8").on("data", (d: string) => { stderr += d; });
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}
