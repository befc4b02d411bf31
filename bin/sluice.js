#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=20
// A small young generation and a heap that grows by 20 % after each full collection (V8 lets it
// grow far more by default) keep peak memory flat on million-record runs; docs/benchmark.md gives
// the measured cost (npm run bench runs its children, the bare loop too, with the flags of this line).
import('../dist/cli/main.js')
  .then((m) => m.main(process.argv))
  .catch((err) => {
    process.stderr.write(`sluice: ${err?.stack ?? err}\n`);
    process.exit(1);
  });
