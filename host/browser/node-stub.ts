// What the playground's bundle gets for a node: module (scripts/build-playground.ts maps every
// one here). The code that reaches them in the browser graph is the Redis transport's (start
// redis-server, find a free port) and binaryen's Node start-up, neither of which runs in a
// browser; anything that calls them fails saying so, rather than a module failing to load.
const unavailable = (name: string) => (): never => {
  throw new Error(`${name} is not available in the browser: run this with ./bin/remora`);
};

export const spawn = unavailable("spawn");
export const spawnSync = unavailable("spawnSync");
export const createServer = unavailable("createServer");
export const createRequire = unavailable("createRequire");
export const tmpdir = () => "/tmp";
export const homedir = () => "/";
export const fileURLToPath = (url: string | URL) => new URL(url).pathname;
export const isMainThread = true;
export const threadId = 0;
export default {};
