#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=20
// A small young generation and a heap that grows by 20 % after each full collection (V8 lets it
// grow far more by default) keep peak memory flat on million-record runs; docs/benchmark.md gives
// the measured cost (npm run bench runs its children, the bare loop too, with the flags of this line).
// The bundle (dist/cli/, CommonJS) is compiled with the V8 code cache the build recorded under these
// flags (app/cli/code-cache.ts); without them V8 refuses it and the code compiles as usual.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import('../dist/app/cli/code-cache.js')
  .then(({ installCodeCache }) => {
    installCodeCache({ root: fileURLToPath(new URL('../dist/', import.meta.url)) });
    return createRequire(import.meta.url)('../dist/cli/main.js').main(process.argv);
  })
  .catch((err) => {
    process.stderr.write(`sluice: ${err?.stack ?? err}\n`);
    process.exit(1);
  });
