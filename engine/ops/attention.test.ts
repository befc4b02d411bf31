/**
 * The attention and log services on SQLite and MariaDB: pipelines named by file or name (unknown
 * names refused), entries with class, attempts and runs, resolution by hand in the audit trail,
 * a record's integration log and what one run changed, and the log's retention.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryHarness } from '../../test/helpers/memory-harness.js';
import { createTestDatabase } from '../../test/helpers/mysql.js';
import { session, writePipeline } from '../../test/helpers/pipeline-fixture.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { ManualClock } from '../runtime/clock.js';
import { logList } from '../state/log.js';
import { listAttention, resolveAttention, showAttention } from './attention.js';
import { queryLog } from './log.js';
import { resolvePipeline } from './pipeline-ref.js';

const ROWS = { resource: 'rows' };
const backends = [
  { name: 'sqlite', open: async () => ({ url: `sqlite:${tempDir()}/state.db`, drop: async () => {} }) },
  { name: 'mariadb', open: () => createTestDatabase('ops') },
];

describe.each(backends)('attention and log services on $name', (backend) => {
  const h = memoryHarness(backend.open);

  it('takes a pipeline file or a known name, and refuses an unknown name or a missing file', async () => {
    const name = h.name('ref');
    const p = writePipeline(h.dir, { name, source: ROWS });
    // a file is good before the pipeline ever ran
    expect(await resolvePipeline(h.state, p)).toEqual({ name, file: p });
    expect(await listAttention(h.state, { pipeline: p })).toEqual([]);
    await expect(resolvePipeline(h.state, name)).rejects.toMatchObject({ code: 'PIPELINE_UNKNOWN' });
    await session(h.state, { command: 'plan', pipelinePath: p });
    expect(await resolvePipeline(h.state, name)).toEqual({ name });
    const typo = resolvePipeline(h.state, `${name}x`);
    await expect(typo).rejects.toMatchObject({ code: 'PIPELINE_UNKNOWN' });
    await expect(typo).rejects.toThrow(new RegExp(`no pipeline named "${name}x".*${name}`));
    await expect(listAttention(h.state, { pipeline: join(h.dir, 'nope.yaml') })).rejects.toMatchObject({
      code: 'PIPELINE_MISSING',
    });
    await expect(queryLog(h.state, { pipeline: 'nope' })).rejects.toMatchObject({ code: 'PIPELINE_UNKNOWN' });
    await expect(queryLog(h.state, { run: 'no-such-run' })).rejects.toMatchObject({ code: 'RUN_UNKNOWN' });
  });

  it('an entry carries class, code, first and last seen, attempts and both runs; resolved by hand it is audited', async () => {
    const name = h.name('entry');
    const p = writePipeline(h.dir, {
      name,
      source: ROWS,
      transform: '{ "id": id, "name": name, "amount": amount = 2 ? $error("no G/L account for Beta") : amount }',
    });
    const clock = new ManualClock(Date.UTC(2026, 0, 15, 12), { autoAdvance: true });
    const first = await session(h.state, { command: 'run', pipelinePath: p, clock });
    clock.advance(3_600_000);
    const second = await session(h.state, { command: 'run', pipelinePath: p, clock });
    const [entry] = await listAttention(h.state, { pipeline: name });
    expect(entry).toMatchObject({
      sourceKey: 'b',
      reasonClass: 'data',
      stage: 'transform',
      code: 'TRANSFORM_FAILED',
      message: 'no G/L account for Beta',
      occurrences: 2,
      firstRunId: first.report.runId,
      runId: second.report.runId,
      firstSeen: '2026-01-15T12:00:00.000Z',
      retryAfter: null,
      resolution: null,
    });
    expect(Date.parse(entry!.lastSeen)).toBeGreaterThanOrEqual(Date.UTC(2026, 0, 15, 13));

    const detail = await showAttention(h.state, entry!.id);
    expect(detail.history.map((e) => [e.op, e.outcome, e.runId])).toEqual([
      ['transform', 'parked', second.report.runId],
      ['transform', 'parked', first.report.runId],
    ]);

    await expect(resolveAttention(h.state, { id: entry!.id, reason: ' ' })).rejects.toMatchObject({
      code: 'RESOLUTION_REASON_MISSING',
    });
    await expect(resolveAttention(h.state, { id: 999_999, reason: 'x' })).rejects.toMatchObject({
      code: 'ATTENTION_UNKNOWN',
    });
    await resolveAttention(h.state, { id: String(entry!.id), reason: 'posted by hand in SAP', by: 'maria' });
    expect(await listAttention(h.state, { pipeline: name })).toEqual([]);
    const [resolved] = await listAttention(h.state, { pipeline: name, all: true });
    expect(resolved).toMatchObject({
      status: 'resolved',
      resolution: { by: 'maria', reason: 'posted by hand in SAP' },
    });
    const audit = await h.state.auditList(name);
    expect(audit.map((a) => [a.action, JSON.parse(a.detail) as unknown])).toEqual([
      [
        'attention-resolve',
        expect.objectContaining({ id: entry!.id, sourceKey: 'b', by: 'maria', reason: 'posted by hand in SAP' }),
      ],
    ]);
    expect((await queryLog(h.state, { pipeline: name, key: 'b' })).entries[0]).toMatchObject({
      op: 'resolve',
      outcome: 'resolved',
      runId: null,
      message: 'resolved by maria: posted by hand in SAP',
    });

    // failing again opens it again, as a new incident
    const third = await session(h.state, { command: 'run', pipelinePath: p, clock });
    const [reopened] = await listAttention(h.state, { pipeline: name });
    expect(reopened).toMatchObject({
      status: 'open',
      occurrences: 1,
      firstRunId: third.report.runId,
      resolution: null,
    });
  });

  it('logs every attempt with operation, outcome, changes, target id, payload hash, run and trigger', async () => {
    const name = h.name('log');
    const p = writePipeline(h.dir, { name, source: ROWS });
    const created = await session(h.state, { command: 'run', pipelinePath: p });
    h.src.source[0] = { id: 'a', name: 'Alpha 2', amount: 1 };
    const planPath = join(h.dir, 'plan.json');
    await session(h.state, { command: 'plan', pipelinePath: p, planOut: planPath });
    const applied = await session(h.state, { command: 'apply', planPath });
    const scheduled = await session(h.state, { command: 'run', pipelinePath: p, trigger: 'schedule' });

    const a = await queryLog(h.state, { pipeline: p, key: 'a' });
    expect(a.entries.map((e) => [e.op, e.outcome, e.trigger, e.runId])).toEqual([
      ['update', 'written', 'plan', applied.report.runId],
      ['create', 'written', 'manual', created.report.runId],
    ]);
    const [update, create] = a.entries;
    expect(update).toMatchObject({
      dedupeKey: 'a',
      targetId: create!.targetId,
      changes: [{ path: 'name', before: 'Alpha', after: 'Alpha 2' }],
    });
    expect(create!.targetId).toMatch(/.+/);
    // the hash of what was sent, as the ledger records it
    expect(update!.payloadHash).toBe((await h.state.ledgerGet(name, ['a'])).get('a')?.payloadHash);
    expect(create!.payloadHash).toMatch(/.{16,}/);
    expect(create!.payloadHash).not.toBe(update!.payloadHash);

    const run = await queryLog(h.state, { run: created.report.runId });
    expect(run.entries.map((e) => e.sourceKey)).toEqual(['a', 'b', 'c']);
    // a run that changed nothing lists nothing (and every attempt with changedOnly off)
    expect((await queryLog(h.state, { run: scheduled.report.runId })).entries).toEqual([]);
    expect((await queryLog(h.state, { pipeline: name, limit: 2 })).truncated).toBe(true);
  });

  it('keeps the log for SLUICE_LOG_RETENTION and refuses a value that is not a duration', async () => {
    const name = h.name('retention');
    const p = writePipeline(h.dir, { name, source: ROWS });
    const clock = new ManualClock(Date.UTC(2026, 0, 1), { autoAdvance: true });
    const env = { ...process.env, SLUICE_LOG_RETENTION: '30d' };
    await session(h.state, { command: 'run', pipelinePath: p, clock, env });
    clock.advance(20 * 86_400_000);
    h.src.source[1] = { id: 'b', name: 'Beta 2', amount: 2 };
    await session(h.state, { command: 'run', pipelinePath: p, clock, env });
    expect(await logList(h.state.knex, { pipeline: name })).toHaveLength(4);
    clock.advance(15 * 86_400_000);
    h.src.source[1] = { id: 'b', name: 'Beta 3', amount: 2 };
    await session(h.state, { command: 'run', pipelinePath: p, clock, env });
    const left = await logList(h.state.knex, { pipeline: name });
    expect(left.map((e) => [e.sourceKey, e.op])).toEqual([
      ['b', 'update'],
      ['b', 'update'],
    ]);
    await expect(
      session(h.state, { command: 'run', pipelinePath: p, env: { ...env, SLUICE_LOG_RETENTION: 'forever' } }),
    ).rejects.toMatchObject({ code: 'LOG_RETENTION_INVALID' });
  });
});
