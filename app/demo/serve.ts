/**
 * `sluice demo --serve`: after the demo's runs, the finance page on the demo's state store, with
 * the emulators still running (so re-sync and apply work), until Ctrl-C. When the store has no
 * users yet, three demo accounts are made (approver `finance`, operator `ops`, viewer `viewer`);
 * their random passwords go to `<dir>/demo-users.txt` (readable by you only), never to the terminal.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Registry } from '../../engine/connector/registry.js';
import { addUser, listUsers, type Role } from '../../engine/auth/users.js';
import { silentLogger } from '../../engine/runtime/logger.js';
import { openStateStore } from '../../engine/state/store.js';
import { startFinancePage } from '../serve/server.js';
import { PIPELINES_DIR, type DemoEnvironment } from './environment.js';

const DEMO_USERS: [string, Role][] = [
  ['finance', 'approver'],
  ['ops', 'operator'],
  ['viewer', 'viewer'],
];

export async function serveDemo(
  env: DemoEnvironment,
  registry: Registry,
  o: { port: number; say(line: string): void },
): Promise<void> {
  const state = await openStateStore({ url: env.stateUrl });
  try {
    const usersFile = join(env.dir, 'demo-users.txt');
    if ((await listUsers(state)).length === 0) {
      const lines: string[] = [];
      for (const [username, role] of DEMO_USERS) {
        const password = randomBytes(12).toString('base64url');
        await addUser(state, { username, role, password, by: 'sluice demo' });
        lines.push(`${username}\t${role}\t${password}`);
      }
      writeFileSync(usersFile, `# demo accounts of the finance page (user, role, password)\n${lines.join('\n')}\n`, {
        mode: 0o600,
      });
    }
    const page = await startFinancePage({
      state,
      registry,
      logger: silentLogger(),
      port: o.port,
      pipelinesDir: PIPELINES_DIR,
      connectionsPath: env.connectionsPath,
      env: { ...process.env, ...env.env },
    });
    o.say(
      `\nThe finance page is at ${page.url} (on the demo's state store; the emulators keep running).\n` +
        `Log in with one of the demo accounts in ${usersFile} (finance: approver, ops: operator, viewer: viewer). Ctrl-C stops it.\n`,
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    await page.close();
  } finally {
    await state.close();
  }
}
