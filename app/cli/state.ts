/** `sluice state unlock`: clears locks a crashed process left in the state store (state/unlock.ts). */
import type { Command } from 'commander';
import { describeHolder } from '../../engine/state/mysql-lock.js';
import type { UnlockFinding, UnlockReport } from '../../engine/state/unlock.js';
import { addGlobalOptions, write, type CliIo, type GlobalOptions } from './common.js';

export function stateCommands(program: Command, io: CliIo): void {
  const state = program.command('state').description('the state store itself: locks left behind by crashed processes');
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
