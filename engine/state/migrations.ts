/**
 * Versioned state-store migrations. Append new entries; never edit one that has shipped.
 * Timestamps are ISO-8601 strings so SQLite and MySQL compare them the same way.
 */
import type { Knex } from 'knex';

interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

const KEY = 255;

function isMysql(knex: Knex): boolean {
  return String((knex.client as { config: { client: unknown } }).config.client).startsWith('mysql');
}
const PIPELINE = 128;

export const MIGRATIONS: Migration[] = [
  {
    name: '0001_initial',
    async up(knex) {
      // Keys compare byte for byte (case-sensitive) on MySQL too, as they do on SQLite.
      const binary = (t: Knex.CreateTableBuilder): void => {
        if (isMysql(knex)) {
          t.charset('utf8mb4');
          t.collate('utf8mb4_bin');
        }
      };
      await knex.schema.createTable('sluice_runs', (t) => {
        binary(t);
        t.string('id', 36).primary();
        t.string('pipeline', PIPELINE).notNullable().index();
        t.string('command', 16).notNullable();
        t.string('status', 16).notNullable();
        t.string('started_at', 32).notNullable();
        t.string('finished_at', 32);
        t.string('plan_hash', 64);
        t.integer('exit_code');
        t.string('host', 255);
        t.integer('pid');
        t.text('report', 'mediumtext');
      });
      await knex.schema.createTable('sluice_ledger', (t) => {
        binary(t);
        t.string('pipeline', PIPELINE).notNullable();
        t.string('dedupe_key', KEY).notNullable();
        t.string('target_id', KEY);
        t.string('payload_hash', 64);
        t.string('status', 16).notNullable();
        t.string('op', 16).notNullable();
        t.string('origin', 16).notNullable();
        t.string('run_id', 36).notNullable();
        t.string('created_at', 32).notNullable();
        t.string('updated_at', 32).notNullable();
        t.primary(['pipeline', 'dedupe_key']);
      });
      await knex.schema.createTable('sluice_cursors', (t) => {
        binary(t);
        t.string('pipeline', PIPELINE).primary();
        t.text('value').notNullable();
        t.string('run_id', 36).notNullable();
        t.string('updated_at', 32).notNullable();
      });
      await knex.schema.createTable('sluice_attention', (t) => {
        binary(t);
        t.increments('id').primary();
        t.string('pipeline', PIPELINE).notNullable();
        t.string('source_key', KEY).notNullable();
        t.string('dedupe_key', KEY);
        t.string('stage', 16).notNullable();
        t.string('code', 64).notNullable();
        t.text('message').notNullable();
        t.text('payload', 'mediumtext');
        t.string('status', 16).notNullable();
        t.string('run_id', 36).notNullable();
        t.string('first_seen', 32).notNullable();
        t.string('last_seen', 32).notNullable();
        t.integer('occurrences').notNullable().defaultTo(1);
        t.unique(['pipeline', 'source_key']);
      });
      await knex.schema.createTable('sluice_credentials', (t) => {
        binary(t);
        t.string('scope', PIPELINE).notNullable();
        t.string('name', PIPELINE).notNullable();
        t.text('ciphertext').notNullable();
        t.integer('version').notNullable();
        t.string('updated_at', 32).notNullable();
        t.primary(['scope', 'name']);
      });
      await knex.schema.createTable('sluice_leases', (t) => {
        binary(t);
        t.string('pipeline', PIPELINE).primary();
        t.string('holder', 36).notNullable();
        t.string('host', 255);
        t.integer('pid');
        t.string('acquired_at', 32).notNullable();
        t.string('expires_at', 32).notNullable();
      });
      await knex.schema.createTable('sluice_audit', (t) => {
        binary(t);
        t.increments('id').primary();
        t.string('at', 32).notNullable();
        t.string('pipeline', PIPELINE).notNullable();
        t.string('action', 32).notNullable();
        t.text('detail');
      });
    },
    async down(knex) {
      for (const t of [
        'sluice_audit',
        'sluice_leases',
        'sluice_credentials',
        'sluice_attention',
        'sluice_cursors',
        'sluice_ledger',
        'sluice_runs',
      ]) {
        await knex.schema.dropTableIfExists(t);
      }
    },
  },
  {
    name: '0002_in_doubt_and_reason_class',
    async up(knex) {
      // A create is recorded `pending` with when it was sent and when the target can no longer
      // commit it, before the request goes out; settlement scans a pipeline's pending rows.
      await knex.schema.alterTable('sluice_ledger', (t) => {
        t.string('sent_at', 32);
        t.string('settle_after', 32);
        t.index(['pipeline', 'status'], 'sluice_ledger_status');
      });
      await knex.schema.alterTable('sluice_attention', (t) => {
        t.string('reason_class', 16);
      });
    },
    async down(knex) {
      await knex.schema.alterTable('sluice_attention', (t) => t.dropColumn('reason_class'));
      await knex.schema.alterTable('sluice_ledger', (t) => {
        t.dropIndex(['pipeline', 'status'], 'sluice_ledger_status');
        t.dropColumn('settle_after');
        t.dropColumn('sent_at');
      });
    },
  },
  {
    name: '0003_pipeline_versions',
    async up(knex) {
      // One row per pipeline, its counter moved by every committed batch: a saved plan records it
      // and apply refuses the plan when another run committed since.
      await knex.schema.createTable('sluice_pipelines', (t) => {
        if (isMysql(knex)) {
          t.charset('utf8mb4');
          t.collate('utf8mb4_bin');
        }
        t.string('pipeline', PIPELINE).primary();
        t.bigInteger('version').notNullable();
        t.string('run_id', 36).notNullable();
        t.string('updated_at', 32).notNullable();
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists('sluice_pipelines');
    },
  },
  {
    name: '0004_corrections',
    async up(knex) {
      // A correction reverses a posted record and posts its new version: the ledger row of the key
      // keeps which record the current one replaces, and the reversal's own id.
      await knex.schema.alterTable('sluice_ledger', (t) => {
        t.string('supersedes', KEY);
        t.string('reversal_id', KEY);
      });
    },
    async down(knex) {
      await knex.schema.alterTable('sluice_ledger', (t) => {
        t.dropColumn('reversal_id');
        t.dropColumn('supersedes');
      });
    },
  },
  {
    name: '0005_source_fingerprints',
    async up(knex) {
      // Per dedupe key, the source record it came from and a fingerprint of that record (with the
      // pipeline and lookups it was transformed with): an unchanged source record is a noop without
      // evaluating its transform again.
      await knex.schema.alterTable('sluice_ledger', (t) => {
        t.string('source_key', KEY);
        t.string('source_fp', 64);
        t.integer('n_outputs');
        t.string('target_hash', 96);
        t.index(['pipeline', 'source_key'], 'sluice_ledger_source');
      });
    },
    async down(knex) {
      await knex.schema.alterTable('sluice_ledger', (t) => {
        t.dropIndex(['pipeline', 'source_key'], 'sluice_ledger_source');
        t.dropColumn('target_hash');
        t.dropColumn('n_outputs');
        t.dropColumn('source_fp');
        t.dropColumn('source_key');
      });
    },
  },
  {
    name: '0006_cursor_positions',
    async up(knex) {
      // With the cursor value, the key of the last record read at that value: a source that reads in
      // (cursor, key) order starts after it instead of re-reading every row sharing the value.
      await knex.schema.alterTable('sluice_cursors', (t) => {
        t.string('position_key', KEY);
      });
    },
    async down(knex) {
      await knex.schema.alterTable('sluice_cursors', (t) => t.dropColumn('position_key'));
    },
  },
  {
    name: '0007_operations',
    async up(knex) {
      // Attention: the run that first parked the record, when a transient entry may be retried
      // next, and who resolved it by hand, when and why.
      await knex.schema.alterTable('sluice_attention', (t) => {
        t.string('first_run_id', 36);
        t.string('retry_after', 32);
        t.string('resolved_at', 32);
        t.string('resolved_by', PIPELINE);
        t.text('resolution');
      });
      const binary = (t: Knex.CreateTableBuilder): void => {
        if (isMysql(knex)) {
          t.charset('utf8mb4');
          t.collate('utf8mb4_bin');
        }
      };
      // Re-sync requests waiting for the next run (`sluice resync`): one key, every failed record, or all.
      await knex.schema.createTable('sluice_resync', (t) => {
        binary(t);
        t.increments('id').primary();
        t.string('pipeline', PIPELINE).notNullable();
        t.string('scope', 16).notNullable();
        t.string('source_key', KEY);
        t.string('status', 16).notNullable();
        t.string('requested_at', 32).notNullable();
        t.string('requested_by', PIPELINE).notNullable();
        t.string('run_id', 36);
        t.string('done_at', 32);
        t.string('outcome', 16);
        t.index(['pipeline', 'status'], 'sluice_resync_status');
      });
      // The integration log: every attempt on a record, its operation and outcome, per run.
      await knex.schema.createTable('sluice_log', (t) => {
        binary(t);
        t.bigIncrements('id').primary();
        t.string('pipeline', PIPELINE).notNullable();
        t.string('run_id', 36);
        t.string('at', 32).notNullable();
        t.string('run_trigger', 16).notNullable();
        t.string('source_key', KEY).notNullable();
        t.string('dedupe_key', KEY);
        t.string('op', 16).notNullable();
        t.string('outcome', 16).notNullable();
        t.string('target_id', KEY);
        t.string('payload_hash', 64);
        t.text('changes', 'mediumtext');
        t.string('code', 64);
        t.string('reason_class', 16);
        t.text('message');
        t.index(['pipeline', 'source_key'], 'sluice_log_source');
        t.index(['pipeline', 'dedupe_key'], 'sluice_log_key');
        t.index(['run_id'], 'sluice_log_run');
        t.index(['pipeline', 'at'], 'sluice_log_at');
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists('sluice_log');
      await knex.schema.dropTableIfExists('sluice_resync');
      await knex.schema.alterTable('sluice_attention', (t) => {
        t.dropColumn('resolution');
        t.dropColumn('resolved_by');
        t.dropColumn('resolved_at');
        t.dropColumn('retry_after');
        t.dropColumn('first_run_id');
      });
    },
  },
  {
    name: '0008_run_provenance',
    async up(knex) {
      // What a run report is about, queryable without parsing the report: the pipeline file's hash,
      // the git commit that last changed it (when it is in a git work tree) and how long the run took.
      await knex.schema.alterTable('sluice_runs', (t) => {
        t.string('pipeline_hash', 64);
        t.string('git_commit', 40);
        t.bigInteger('duration_ms');
        t.index(['pipeline', 'status', 'finished_at'], 'sluice_runs_outcome');
      });
    },
    async down(knex) {
      await knex.schema.alterTable('sluice_runs', (t) => {
        t.dropIndex(['pipeline', 'status', 'finished_at'], 'sluice_runs_outcome');
        t.dropColumn('duration_ms');
        t.dropColumn('git_commit');
        t.dropColumn('pipeline_hash');
      });
    },
  },
  {
    name: '0009_schedule_ticks_and_alerts',
    async up(knex) {
      const binary = (t: Knex.CreateTableBuilder): void => {
        if (isMysql(knex)) {
          t.charset('utf8mb4');
          t.collate('utf8mb4_bin');
        }
      };
      // One row per scheduled tick of a pipeline: the scheduler that inserts it runs the tick, any
      // other scheduler on the same pipelines sees the duplicate and skips it.
      await knex.schema.createTable('sluice_schedule_ticks', (t) => {
        binary(t);
        t.string('pipeline', PIPELINE).notNullable();
        t.string('tick', 32).notNullable();
        t.string('claimed_by', 64).notNullable();
        t.string('claimed_at', 32).notNullable();
        t.primary(['pipeline', 'tick']);
      });
      // Per pipeline, alert rule and condition: whether it is active, so a notification goes out
      // once when the condition starts and once when it ends.
      await knex.schema.createTable('sluice_alert_state', (t) => {
        binary(t);
        t.string('pipeline', PIPELINE).notNullable();
        t.string('rule', 32).notNullable();
        t.string('condition', 16).notNullable();
        t.boolean('active').notNullable();
        t.string('changed_at', 32).notNullable();
        t.string('run_id', 36);
        t.primary(['pipeline', 'rule', 'condition']);
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists('sluice_alert_state');
      await knex.schema.dropTableIfExists('sluice_schedule_ticks');
    },
  },
  {
    name: '0011_users_and_approvals',
    async up(knex) {
      const binary = (t: Knex.CreateTableBuilder): void => {
        if (isMysql(knex)) {
          t.charset('utf8mb4');
          t.collate('utf8mb4_bin');
        }
      };
      // Local accounts of the finance page (a later OIDC login maps identities onto the same roles).
      await knex.schema.createTable('sluice_users', (t) => {
        binary(t);
        t.string('username', 64).primary();
        t.string('role', 16).notNullable();
        t.string('password_hash', 255).notNullable();
        t.string('created_at', 32).notNullable();
        t.string('updated_at', 32).notNullable();
      });
      // Page sessions, by the SHA-256 of the session id (the cookie value is never stored).
      await knex.schema.createTable('sluice_web_sessions', (t) => {
        binary(t);
        t.string('id_hash', 64).primary();
        t.string('username', 64).notNullable().index();
        t.string('csrf', 64).notNullable();
        t.string('created_at', 32).notNullable();
        t.string('expires_at', 32).notNullable();
      });
      // Sealed plans awaiting (or past) four-eyes approval.
      await knex.schema.createTable('sluice_plan_approvals', (t) => {
        binary(t);
        t.increments('id').primary();
        t.string('pipeline', PIPELINE).notNullable();
        t.string('plan_run_id', 36).notNullable().unique();
        t.string('plan_hash', 64).notNullable();
        t.text('plan_path').notNullable();
        t.text('summary').notNullable();
        t.string('author', 64).notNullable();
        t.string('created_at', 32).notNullable();
        t.string('status', 16).notNullable();
        t.string('decided_by', 64);
        t.string('decided_at', 32);
        t.text('comment');
        t.string('applied_run_id', 36);
        t.string('applied_at', 32);
        t.index(['status', 'pipeline'], 'sluice_plan_approvals_status');
      });
      // Who did it, queryable (earlier rows keep it in detail.by).
      await knex.schema.alterTable('sluice_audit', (t) => {
        t.string('actor', 64);
      });
    },
    async down(knex) {
      await knex.schema.alterTable('sluice_audit', (t) => {
        t.dropColumn('actor');
      });
      await knex.schema.dropTableIfExists('sluice_plan_approvals');
      await knex.schema.dropTableIfExists('sluice_web_sessions');
      await knex.schema.dropTableIfExists('sluice_users');
    },
  },
  {
    name: '0012_attention_source_fp',
    async up(knex) {
      // A record the target refused: the fingerprint of its source record (with the pipeline,
      // connections and lookups it was transformed with) when it was refused. While a run computes
      // the same fingerprint, nothing that could change the outcome changed on our side: the record
      // is not sent again before its retry time (engine/run/resync-phase.ts).
      await knex.schema.alterTable('sluice_attention', (t) => {
        t.string('source_fp', 64);
      });
    },
    async down(knex) {
      await knex.schema.alterTable('sluice_attention', (t) => t.dropColumn('source_fp'));
    },
  },
];
