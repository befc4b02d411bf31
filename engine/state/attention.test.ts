/**
 * Which refusals by the target a run holds (attentionRefusals): those about the record — not
 * transient ones, refused credentials or a configuration problem, also when an earlier version
 * stored them with a fingerprint. On SQLite and MariaDB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/helpers/mysql.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { attentionRefusals, attentionWrite, type AttentionWrite } from './attention.js';
import { openStateStore, type StateStore } from './store.js';

const backends = [
  { name: 'sqlite', open: async () => ({ url: `sqlite:${tempDir()}/state.db`, drop: async () => {} }) },
  { name: 'mariadb', open: () => createTestDatabase('attention') },
];
const NOW = '2026-01-15T12:00:00.000Z';

describe.each(backends)('target refusals held, on $name', (backend) => {
  let state: StateStore;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const db = await backend.open();
    drop = db.drop;
    state = await openStateStore({ url: db.url, secretKey: 'k'.repeat(64) });
  });
  afterAll(async () => {
    await state.close();
    await drop();
  });

  const refusal = (sourceKey: string, reasonClass: AttentionWrite['reasonClass']): AttentionWrite => ({
    sourceKey,
    stage: 'apply',
    code: 'REFUSED',
    message: 'refused by the target',
    ...(reasonClass && { reasonClass }),
    sourceFp: `fp-${sourceKey}`,
  });

  it('are those about the record; auth and config ones keep their class but no fingerprint or retry time', async () => {
    await attentionWrite(
      state.knex,
      'p1',
      'run1',
      [refusal('d', 'data'), refusal('k', 'conflict'), refusal('a', 'auth'), refusal('c', 'config')],
      NOW,
    );
    expect((await attentionRefusals(state.knex, 'p1')).map((r) => [r.sourceKey, r.sourceFp])).toEqual([
      ['d', 'fp-d'],
      ['k', 'fp-k'],
    ]);
    const byKey = new Map((await state.attentionList({ pipeline: 'p1' })).map((e) => [e.sourceKey, e]));
    expect(byKey.get('a')).toMatchObject({ reasonClass: 'auth', retryAfter: null, status: 'open' });
    expect(byKey.get('a')?.sourceFp).toBeUndefined();
    expect(byKey.get('c')).toMatchObject({ reasonClass: 'config', retryAfter: null });
    expect(byKey.get('d')?.retryAfter).not.toBeNull();
  });

  it('leave out auth and config entries an earlier version stored with a fingerprint', async () => {
    await attentionWrite(state.knex, 'p2', 'run1', [refusal('a', 'data'), refusal('b', 'data')], NOW);
    await state.knex('sluice_attention').where({ pipeline: 'p2', source_key: 'a' }).update({ reason_class: 'auth' });
    expect((await attentionRefusals(state.knex, 'p2')).map((r) => r.sourceKey)).toEqual(['b']);
  });
});
