/**
 * The set-up engine session tests share: a state store (SQLite by default), and per test a fresh
 * temp dir with source and target memory datasets and a default source of three records.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { openStateStore, type StateStore } from '../../engine/state/store.js';
import { dataset, type MemoryDataset } from './memory-connector.js';
import { tempDir } from './tmp.js';

export interface MemoryHarness {
  readonly state: StateStore;
  readonly dir: string;
  readonly src: MemoryDataset;
  readonly dst: MemoryDataset;
  /** A pipeline name not used before in this file. */
  name(prefix?: string): string;
}

export const THREE_RECORDS = [
  { id: 'a', name: 'Alpha', amount: 1 },
  { id: 'b', name: 'Beta', amount: 2 },
  { id: 'c', name: 'Gamma', amount: 3 },
];

export function memoryHarness(
  store: () => Promise<{ url: string; drop(): Promise<void> }> = async () => ({
    url: `sqlite:${tempDir()}/state.db`,
    drop: async () => {},
  }),
): MemoryHarness {
  let state: StateStore | undefined;
  let drop: (() => Promise<void>) | undefined;
  let dir = '';
  let src: MemoryDataset | undefined;
  let dst: MemoryDataset | undefined;
  let n = 0;
  beforeAll(async () => {
    const db = await store();
    drop = () => db.drop();
    state = await openStateStore({ url: db.url, secretKey: 'k'.repeat(64) });
  });
  afterAll(async () => {
    await state?.close();
    await drop?.();
  });
  beforeEach(() => {
    dir = tempDir();
    src = dataset(`${dir}:src`);
    dst = dataset(`${dir}:dst`);
    src.source = THREE_RECORDS.map((r) => ({ ...r }));
  });
  return {
    get state() {
      return state!;
    },
    get dir() {
      return dir;
    },
    get src() {
      return src!;
    },
    get dst() {
      return dst!;
    },
    name: (prefix = 'p') => `${prefix}${n++}`,
  };
}
