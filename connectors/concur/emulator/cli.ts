/**
 * Executable entry for an npm script or `node dist/connectors/concur/emulator/cli.js --port 8080`;
 * `sluice emulate concur` calls `runConcurEmulator` from main.ts directly.
 */
import { runConcurEmulator } from './main.js';

runConcurEmulator(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`concur emulator: ${(err as Error).message}\n`);
    process.exit(2);
  },
);
