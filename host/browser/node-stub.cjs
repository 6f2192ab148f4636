// What the playground's bundle gets for a node: module (scripts/build-playground.ts maps every
// one here). The code that reaches them in the browser graph never runs there: the Redis
// transport (start redis-server, find a free port), node:wasi and the swap of real directories
// into WASI programs, binaryen's Node start-up. Any export is a function that fails saying so,
// rather than a module that fails to load. CommonJS, so that any named import resolves.
const unavailable = (name) => () => {
  throw new Error(`${name} is not available in the browser: run this with ./bin/remora`);
};
// Values read rather than called: a memory server's thread id (host/servers/server-worker.ts).
const values = { threadId: 0, isMainThread: true, __esModule: false };
module.exports = new Proxy({}, {
  get: (_, name) => (name in values ? values[name] : unavailable(String(name))),
});
