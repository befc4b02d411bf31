/**
 * The state store: runs, ledger, cursors, attention, encrypted credentials and leases, on knex.
 * Embedded default SQLite under `.sluice/`; MariaDB/MySQL for shared state. Opening it applies the
 * versioned migrations (migrate.ts: safe when many processes open a new store at once).
 */
import { hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import type { CredentialVault } from '../connector/types.js';
import { ConfigError, SluiceError } from '../errors.js';
import { systemClock, type Clock } from '../runtime/clock.js';
import {
  attentionInDoubt,
  attentionList,
  attentionRefusals,
  attentionMarkResync,
  attentionResolve,
  attentionResolveUnseenReads,
  attentionSettle,
  attentionWrite,
  type AttentionQuery,
  type AttentionWrite,
} from './attention.js';
import { alertRevert, alertStates, alertTransition, type AlertCondition } from './alert-state.js';
import { attentionByClass } from './attention-counts.js';
import { keyFromSecret, seal, unseal } from './crypto.js';
import { claimTick, pruneTicks } from './schedule-ticks.js';
import { acquireLease, assertLeaseHeld, leaseHolder, releaseLease, renewLease } from './lease.js';
import {
  ledgerBySource,
  ledgerCount,
  ledgerDropPending,
  ledgerGet,
  ledgerScan,
  ledgerWrite,
  type LedgerOrigin,
  type LedgerStatus,
  type LedgerWrite,
} from './ledger.js';
import { logWrite, type LogWrite } from './log.js';
import { migrateStore, type MigrateResult } from './migrate.js';
import { resyncClose, type ResyncOutcome } from './resync.js';
import { createDatabase, isUnknownDatabase } from './create-database.js';
import { lastSuccessAt, markAbandonedRuns, runFinish, runList, runStart, type RunResult } from './runs.js';
import { parseStateUrl, type StateLocation } from './url.js';
import { KnexVault } from './vault.js';
import { isSqlite, withSqlite } from './sqlite-fast.js';

export interface StateStoreOptions {
  /** `sqlite:<path>` or `mysql://...`; default SLUICE_STATE_URL, then sqlite:.sluice/state.db. */
  url?: string;
  /** Key for credentials at rest; default SLUICE_SECRET_KEY (for SQLite a key file beside the database). */
  secretKey?: string;
  cwd?: string;
  /** How long opening waits for another process's migration before STATE_STORE_LOCKED (default 60 s). */
  lockTimeoutMs?: number;
  /** Where lease, run and migration code reads the time (default: the system clock). */
  clock?: Clock;
}

/** What one apply batch commits, atomically. */
export interface CommitBatch {
  ledger?: readonly LedgerWrite[];
  attention?: readonly AttentionWrite[];
  /** Source keys whose open attention entries are now resolved. */
  resolved?: readonly string[];
  /** New incremental cursor value, committed with the rows above. */
  cursor?: string;
  /** With `cursor`: the key of the last record read at that value (a compound position), if known. */
  cursorKey?: string;
  /** Keys whose `pending` create is now known not to have been applied: their pending rows go. */
  dropPending?: readonly string[];
  /** Settlement: in-doubt attention entries by dedupe key, found (resolved) or absent (re-sync). */
  settled?: { found: readonly string[]; absent: readonly string[] };
  /** After a complete source read: `read` entries for rows not reported again are resolved. */
  stillUnreadable?: readonly string[];
  /** Integration log rows for what this batch did (each with its trigger; default `manual`). */
  log?: readonly LogWrite[];
  /** Re-sync requests this run processed (closed with the run's last commit). */
  resyncClosed?: readonly { id: number; outcome: ResyncOutcome }[];
}

/** A pipeline's commit counter: every committed batch moves it. */
export interface PipelineVersion {
  version: number;
  lastRun: string | null;
  lastCommitAt: string | null;
}

export class StateStore {
  private cachedKey: Buffer | undefined;

  private constructor(
    readonly knex: Knex,
    readonly location: StateLocation,
    private readonly secretKey: string | undefined,
    readonly clock: Clock,
    /** What opening migrated (nothing, for a store that was up to date). */
    readonly migrated: MigrateResult,
  ) {}

  static async open(options: StateStoreOptions = {}): Promise<StateStore> {
    const location = parseStateUrl(options.url ?? process.env.SLUICE_STATE_URL, options.cwd);
    const clock = options.clock ?? systemClock;
    const knex = knexFactory(location.knexConfig);
    let migrated: MigrateResult;
    const migrate = (): Promise<MigrateResult> =>
      migrateStore(knex, {
        kind: location.kind,
        display: location.display,
        ...(location.file !== undefined && { file: location.file }),
        ...(options.lockTimeoutMs !== undefined && { lockTimeoutMs: options.lockTimeoutMs }),
        clock,
      });
    try {
      try {
        migrated = await migrate();
      } catch (cause) {
        if (location.kind !== 'mysql' || !isUnknownDatabase(cause)) throw cause;
        await createDatabase(location.knexConfig, location.display);
        migrated = await migrate();
      }
    } catch (cause) {
      await knex.destroy();
      // Locked, too new, a failed migration: already explained.
      if (cause instanceof SluiceError) throw cause;
      throw new ConfigError(
        'STATE_STORE_UNAVAILABLE',
        `cannot open the state store ${location.display}: ${(cause as Error).message}`,
        { cause, retryable: true },
      );
    }
    return new StateStore(knex, location, options.secretKey ?? process.env.SLUICE_SECRET_KEY, clock, migrated);
  }

  private key(): Buffer {
    if (this.cachedKey) return this.cachedKey;
    if (this.secretKey && this.secretKey.trim() !== '') {
      this.cachedKey = keyFromSecret(this.secretKey);
    } else if (this.location.kind === 'sqlite' && this.location.file && this.location.file !== ':memory:') {
      // Embedded default: a random key file beside the database, readable by the owner only.
      const keyFile = join(dirname(this.location.file), 'secret.key');
      if (!existsSync(keyFile)) writeFileSync(keyFile, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
      this.cachedKey = keyFromSecret(readFileSync(keyFile, 'utf8'));
    } else {
      throw new ConfigError(
        'SECRET_KEY_MISSING',
        'SLUICE_SECRET_KEY is not set: a shared state store needs it to encrypt rotated credentials (32 random bytes as 64 hex chars)',
      );
    }
    return this.cachedKey;
  }

  /** A credential sealed with this store's key, sealed again with another store's key (`sluice state copy`). */
  resealFor(other: StateStore, ciphertext: string, aad: string): string {
    return seal(other.key(), unseal(this.key(), ciphertext, aad), aad);
  }

  /** Throws SECRET_KEY_MISSING (a config error) when the store has no secret key and cannot make one. */
  requireSecretKey(): void {
    this.key();
  }

  /** The key plan files are sealed with (HMAC), derived from the store's secret key. */
  planSealKey(): Buffer {
    return Buffer.from(hkdfSync('sha256', this.key(), Buffer.alloc(0), 'sluice plan seal v1', 32));
  }

  vault(scope: string): CredentialVault {
    return new KnexVault(this.knex, scope, () => this.key());
  }

  // ledger
  ledgerGet(pipeline: string, keys: readonly string[]) {
    return ledgerGet(this.knex, pipeline, keys);
  }
  ledgerBySource(pipeline: string, sourceKeys: readonly string[]) {
    return ledgerBySource(this.knex, pipeline, sourceKeys);
  }
  ledgerScan(pipeline: string, filter: { origin?: LedgerOrigin | LedgerOrigin[]; statuses?: LedgerStatus[] } = {}) {
    return ledgerScan(this.knex, pipeline, filter);
  }
  ledgerCount(pipeline: string) {
    return ledgerCount(this.knex, pipeline);
  }

  // cursor
  /** The cursor and the key of the last record read at its value. */
  async cursorPosition(pipeline: string): Promise<{ value: string; key: string | undefined } | undefined> {
    const row = (await this.knex('sluice_cursors').where({ pipeline }).first()) as
      { value: string; position_key: string | null } | undefined;
    return row ? { value: row.value, key: row.position_key ?? undefined } : undefined;
  }

  async cursorGet(pipeline: string): Promise<string | undefined> {
    const row = (await this.knex('sluice_cursors').where({ pipeline }).first()) as { value: string } | undefined;
    return row?.value;
  }

  /**
   * Ledger rows, attention entries, resolutions and the cursor of one batch, in one transaction that
   * first checks (and holds, until it commits) that `runId` still holds the pipeline's lease: a run
   * whose lease was broken or taken over commits nothing (LeaseLostError).
   */
  async commit(
    pipeline: string,
    runId: string,
    batch: CommitBatch,
    at: string = new Date(this.clock.now()).toISOString(),
  ): Promise<void> {
    await this.knex.transaction(async (trx) => {
      await assertLeaseHeld(trx, pipeline, runId);
      await bumpVersion(trx, pipeline, runId, at);
      if (batch.settled) await attentionSettle(trx, pipeline, batch.settled.found, batch.settled.absent, at);
      if (batch.stillUnreadable) await attentionResolveUnseenReads(trx, pipeline, batch.stillUnreadable, at);
      if (batch.dropPending?.length) await ledgerDropPending(trx, pipeline, batch.dropPending);
      if (batch.ledger?.length) await ledgerWrite(trx, pipeline, runId, batch.ledger, at);
      if (batch.resolved?.length) await attentionResolve(trx, pipeline, batch.resolved, at);
      if (batch.attention?.length) await attentionWrite(trx, pipeline, runId, batch.attention, at);
      if (batch.log?.length) await logWrite(trx, pipeline, runId, 'manual', batch.log, at);
      if (batch.resyncClosed?.length) await resyncClose(trx, batch.resyncClosed, runId, at);
      if (batch.cursor !== undefined) {
        await trx('sluice_cursors')
          .insert({
            pipeline,
            value: batch.cursor,
            position_key: batch.cursorKey ?? null,
            run_id: runId,
            updated_at: at,
          })
          .onConflict('pipeline')
          .merge(['value', 'position_key', 'run_id', 'updated_at']);
      }
    });
  }

  /** The pipeline's commit counter (0 before its first commit). */
  async pipelineVersion(pipeline: string): Promise<PipelineVersion> {
    const row = (await this.knex('sluice_pipelines').where({ pipeline }).first()) as
      { version: number | string; run_id: string; updated_at: string } | undefined;
    return row
      ? { version: Number(row.version), lastRun: row.run_id, lastCommitAt: row.updated_at }
      : { version: 0, lastRun: null, lastCommitAt: null };
  }

  attentionInDoubt(pipeline: string, dedupeKeys: readonly string[]) {
    return attentionInDoubt(this.knex, pipeline, dedupeKeys);
  }

  /** Pending creates of a pipeline (in flight or in doubt), in key order. */
  ledgerPending(pipeline: string) {
    return ledgerScan(this.knex, pipeline, { statuses: ['pending'] });
  }

  // attention
  attentionList(query: AttentionQuery = {}) {
    return attentionList(this.knex, query);
  }
  attentionRefusals(pipeline: string) {
    return attentionRefusals(this.knex, pipeline);
  }
  attentionMarkResync(pipeline: string, sourceKeys?: readonly string[]) {
    return attentionMarkResync(this.knex, pipeline, sourceKeys);
  }

  // runs
  runStart(run: { id: string; pipeline: string; command: string; startedAt: string }) {
    return runStart(this.knex, run);
  }
  runFinish(id: string, result: RunResult) {
    return runFinish(this.knex, id, result, this.clock);
  }
  /**
   * Marks `abandoned` the runs of `pipeline` left `running` by processes that died, and returns them
   * (for a log line). Call it once `currentRunId` holds the pipeline's lease.
   */
  runMarkAbandoned(pipeline: string, currentRunId: string) {
    return markAbandonedRuns(this.knex, pipeline, currentRunId, this.clock);
  }
  runList(pipeline?: string, limit?: number) {
    return runList(this.knex, pipeline, limit);
  }
  /** When a run of the pipeline last synced (succeeded or attention), if ever. */
  runLastSuccess(pipeline: string) {
    return lastSuccessAt(this.knex, pipeline);
  }

  // leases
  acquireLease(pipeline: string, holder: string, ttlMs: number, force = false) {
    return acquireLease(this.knex, pipeline, holder, ttlMs, force, this.clock);
  }
  /** Extends the lease; false when `holder` no longer holds it. */
  renewLease(pipeline: string, holder: string, ttlMs: number) {
    return renewLease(this.knex, pipeline, holder, ttlMs, this.clock);
  }
  leaseHolder(pipeline: string) {
    return leaseHolder(this.knex, pipeline);
  }
  releaseLease(pipeline: string, holder: string) {
    return releaseLease(this.knex, pipeline, holder);
  }
  /** Open (and re-sync) attention entries of a pipeline, by reason class. */
  attentionByClass(pipeline: string) {
    return attentionByClass(this.knex, pipeline);
  }

  // scheduler and alerts
  /** True when `claimant` is the one scheduler that runs this tick of the pipeline. */
  claimTick(pipeline: string, tick: string, claimant: string) {
    return claimTick(this.knex, pipeline, tick, claimant, new Date(this.clock.now()).toISOString());
  }
  pruneTicks(before: string) {
    return pruneTicks(this.knex, before);
  }
  /** Records an alert condition's state; true when it changed and so must be notified (by this caller only). */
  alertTransition(key: { pipeline: string; rule: string; condition: AlertCondition }, active: boolean, runId?: string) {
    return alertTransition(this.knex, key, active, new Date(this.clock.now()).toISOString(), runId);
  }
  alertRevert(key: { pipeline: string; rule: string; condition: AlertCondition }, active: boolean) {
    return alertRevert(this.knex, key, active, new Date(this.clock.now()).toISOString());
  }
  alertStates(pipeline: string) {
    return alertStates(this.knex, pipeline);
  }

  async auditList(pipeline: string): Promise<{ at: string; action: string; detail: string }[]> {
    return (await this.knex('sluice_audit').where({ pipeline }).orderBy('id')) as {
      at: string;
      action: string;
      detail: string;
    }[];
  }

  async close(): Promise<void> {
    await this.knex.destroy();
  }
}

async function bumpVersion(trx: Knex.Transaction, pipeline: string, runId: string, at: string): Promise<void> {
  if (isSqlite(trx)) {
    // one prepared statement on the transaction's connection: this runs for every commit
    return withSqlite(trx, (prepare) => {
      const changed = prepare(
        'UPDATE sluice_pipelines SET version = version + 1, run_id = ?, updated_at = ? WHERE pipeline = ?',
      ).run(runId, at, pipeline) as { changes: number };
      if (changed.changes === 0)
        prepare('INSERT INTO sluice_pipelines (pipeline, version, run_id, updated_at) VALUES (?, 1, ?, ?)').run(
          pipeline,
          runId,
          at,
        );
    });
  }
  const n = await trx('sluice_pipelines')
    .where({ pipeline })
    .update({ version: trx.raw('version + 1'), run_id: runId, updated_at: at });
  if (n === 0) await trx('sluice_pipelines').insert({ pipeline, version: 1, run_id: runId, updated_at: at });
}

export function openStateStore(options: StateStoreOptions = {}): Promise<StateStore> {
  return StateStore.open(options);
}
