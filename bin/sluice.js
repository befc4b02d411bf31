#!/usr/bin/env node
import('../dist/engine/cli/main.js').then((m) => m.main(process.argv)).catch((err) => {
  process.stderr.write(`sluice: ${err?.stack ?? err}\n`);
  process.exit(1);
});
