// Preload (`node --import ./record-code-cache.mjs ...`) that writes, when the process exits, the
// counts of the CLI's code cache (app/cli/code-cache.ts: files compiled from their cache, refused,
// stale, missing, skipped) as JSON to the file named by SLUICE_CODE_CACHE_LOG. The CLI's bin imports
// the same module, so these are the counts of its own cache.
import { writeFileSync } from 'node:fs';

const log = process.env.SLUICE_CODE_CACHE_LOG;
if (log) {
  const { codeCacheStats } = await import(new URL('../../dist/app/cli/code-cache.js', import.meta.url).href);
  process.on('exit', () => writeFileSync(log, JSON.stringify(codeCacheStats() ?? null)));
}
