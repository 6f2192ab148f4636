// Loads binaryen with Node's own loader, then registers tsx for the TypeScript sources. Through
// tsx's loader binaryen's 10 MB index.js takes seconds to load; loaded first, it is cached.
await import("binaryen");
const { register } = await import("tsx/esm/api");
register();
