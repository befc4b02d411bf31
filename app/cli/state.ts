/** `sluice state unlock`: clears locks a crashed process left in the state store (state/unlock.ts). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { parseStateUrl } from '../../engine/state/url.js';
import { describeHolder } from '../../engine/state/mysql-lock.js';
import { ConfigError } from '../../engine/errors.js';
import type { UnlockFinding, UnlockReport } from '../../engine/state/unlock.js';
import { addGlobalOptions, write, type CliIo, type GlobalOptions } from './common.js';

export function stateCommands(program: Command, io: CliIo): void {
  const state = program
    .command('state')
    .description('the state store itself: locks left behind by crashed processes, copying it to another store');
  addGlobalOptions(
    state
      .command('unlock')
      .description(
        "reset a migration lock left by an older sluice that crashed; on MySQL/MariaDB, show (and with --kill, kill) the connection holding sluice's migration lock; every change is audited",
      )
      .option('--kill', 'kill the connection holding the MySQL/MariaDB migration lock (needs the privilege to)')
      .option('--json', 'JSON output'),
  ).action(async (opts: GlobalOptions & { kill?: boolean; json?: boolean }) => {
    const { unlockStateStore } = await import('../../engine/state/unlock.js');
    const report = await unlockStateStore({ ...(opts.state && { url: opts.state }), kill: opts.kill === true });
    if (opts.json) write(io.stdout, JSON.stringify(report, null, 2) + '\n');
    else write(io.stdout, formatUnlock(report));
    io.exitCode = report.stillLocked ? 1 : 0;
  });
  state
    .command('copy')
    .description(
      'copy a whole state store (ledger, cursors, attention, credentials, runs, audit) into a new, empty one, ' +
        'e.g. from the embedded SQLite of a proof of concept to MariaDB; one transaction, nothing half-copied',
    )
    .requiredOption('--from <url>', 'the state store to copy: sqlite:<path> or mysql://…')
    .requiredOption('--to <url>', 'the new, empty state store: sqlite:<path> or mysql://…')
    .option(
      '--from-secret-env <name>',
      'environment variable holding the source store secret key (default: the key file beside a SQLite source, else SLUICE_SECRET_KEY)',
    )
    .option('--json', 'JSON output')
    .action(async (opts: { from: string; to: string; fromSecretEnv?: string; json?: boolean }) => {
      // A SQLite store that made its own key file was sealed with that file, whatever SLUICE_SECRET_KEY
      // (meant for the destination) says now.
      const fromKey = opts.fromSecretEnv ? process.env[opts.fromSecretEnv] : ownKeyFile(opts.from) ? '' : undefined;
      if (opts.fromSecretEnv && fromKey === undefined) {
        write(io.stderr, `sluice state copy: ${opts.fromSecretEnv} is not set\n`);
        io.exitCode = 2;
        return;
      }
      try {
        await copyStores(opts.from, opts.to, fromKey, opts.json === true);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        write(io.stderr, `sluice state copy: ${err.message}\n`);
        io.exitCode = 2;
      }
    });

  async function copyStores(fromUrl: string, toUrl: string, fromKey: string | undefined, json: boolean): Promise<void> {
    const [{ openStateStore }, { copyState }] = await Promise.all([
      import('../../engine/state/store.js'),
      import('../../engine/state/copy.js'),
    ]);
    const from = await openStateStore({ url: fromUrl, ...(fromKey !== undefined && { secretKey: fromKey }) });
    try {
      const to = await openStateStore({ url: toUrl });
      try {
        const report = await copyState(from, to, () => new Date().toISOString());
        if (json) write(io.stdout, JSON.stringify(report, null, 2) + '\n');
        else {
          write(io.stdout, `copied ${report.from} to ${report.to}\n`);
          for (const t of report.tables)
            write(io.stdout, `  ${t.table.padEnd(24)} ${t.rows.toLocaleString('en-US')} row(s)\n`);
        }
      } finally {
        await to.close();
      }
    } finally {
      await from.close();
    }
  }
}

function ownKeyFile(url: string): boolean {
  const loc = parseStateUrl(url);
  return loc.kind === 'sqlite' && loc.file !== undefined && existsSync(join(dirname(loc.file), 'secret.key'));
}

export function formatUnlock(report: UnlockReport): string {
  const lines = [`state store ${report.store}`];
  for (const f of report.findings) lines.push(`  ${describeFinding(f)}`);
  if (!report.audited)
    lines.push('  (the store has no audit table yet: it was never fully migrated, so nothing could be audited)');
  lines.push(report.stillLocked ? 'still locked' : 'nothing is locked');
  return lines.join('\n') + '\n';
}

function describeFinding(f: UnlockFinding): string {
  switch (f.kind) {
    case 'legacy-reset':
      return 'migration lock of an older sluice (sluice_migrations_lock): was set, now reset (audited). An older sluice version sets it while migrating and leaves it set when it crashes; make sure none is migrating this store now';
    case 'legacy-clear':
      return 'migration lock of an older sluice (sluice_migrations_lock): not set';
    case 'lock-free':
      return `migration lock ${f.lock}: free`;
    case 'lock-held':
      return `migration lock ${f.holder.lock}: held by ${describeHolder(f.holder)}. A sluice that is migrating holds it briefly; if that connection belongs to a hung process, run again with --kill to kill it (audited)`;
    case 'lock-killed':
      return `migration lock ${f.holder.lock}: killed ${describeHolder(f.holder)} (audited); the server releases the lock with it`;
    case 'kill-refused':
      return `migration lock ${f.holder.lock}: killing ${describeHolder(f.holder)} was refused (${f.error}). Killing another user's connection needs the CONNECTION ADMIN privilege (MariaDB; CONNECTION_ADMIN on MySQL) or SUPER: ask a database administrator to run KILL ${f.holder.connectionId}`;
    case 'migration-interrupted':
      return `migration ${f.name} was interrupted after statement ${f.step} (started ${f.startedAt}${f.owner ? ` by ${f.owner}` : ''}): the next open of the store resumes it`;
    case 'sqlite-free':
      return `write lock of ${f.file}: free`;
    case 'sqlite-busy':
      return `write lock of ${f.file}: held by a live process (SQLite rolls back the transaction of a process that died, and sluice cannot end another process's): find it with \`fuser ${f.file}\` (or lsof)`;
  }
}
