// Preload (`node --import ./record-modules.mjs ...`) that appends the URL of every module the process
// loads to the file named by SLUICE_MODULE_LOG, one per line: ES modules as they are resolved (through
// a resolve hook) and CommonJS modules from the require cache when the process exits. Used by tests
// that assert what a command loads (start-up imports only what a command uses).
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

const log = process.env.SLUICE_MODULE_LOG;
if (log) {
  register('./record-modules-hooks.mjs', import.meta.url, { data: { log } });
  const cache = createRequire(import.meta.url).cache;
  process.on('exit', () => {
    const urls = Object.keys(cache).map((path) => pathToFileURL(path).href);
    if (urls.length > 0) appendFileSync(log, `${urls.join('\n')}\n`);
  });
}
