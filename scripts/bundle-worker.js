#!/usr/bin/env node
// Part of `npm run build`, after tsc: the Piscina worker as one file. Loaded as separate modules,
// the worker's import graph (execa alone is over a hundred files) took each new thread 100 ms and
// more to resolve before it could start an agent, and several times that on a loaded machine;
// every run paid it before its first agent. One file loads in a fraction of that.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const dist = fileURLToPath(new URL('../dist/execute/', import.meta.url));

await build({
  entryPoints: [`${dist}worker.js`],
  outfile: `${dist}worker.bundle.js`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // CommonJS dependencies (cross-spawn, graceful-fs) call require() for Node's own modules,
  // which an ES module bundle only has when it defines one.
  banner: {
    js: "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);",
  },
  logLevel: 'warning',
});
