/**
 * The two state-store backends the store tests run against: a fresh SQLite file, and a fresh
 * database on the throwaway MariaDB server (test/helpers/global-setup.ts). Each `fresh()` is a store
 * location nothing has opened yet.
 */
import mysql from 'mysql2/promise';
import { createTestDatabase } from './mysql.js';
import { tempDir } from './tmp.js';

export interface FreshStore {
  url: string;
  /** MariaDB: the database name; SQLite: the file. */
  name: string;
  cleanup(): Promise<void>;
}

export interface StateBackend {
  name: 'sqlite' | 'mariadb';
  fresh(): Promise<FreshStore>;
}

export const stateBackends: StateBackend[] = [
  {
    name: 'sqlite',
    fresh: () => {
      const file = `${tempDir()}/state.db`;
      return Promise.resolve({ url: `sqlite:${file}`, name: file, cleanup: () => Promise.resolve() });
    },
  },
  {
    name: 'mariadb',
    fresh: async () => {
      const db = await createTestDatabase('state');
      return { url: db.url, name: db.name, cleanup: db.drop };
    },
  },
];

/** A connection of the test's own to a MariaDB test database (to hold locks, kill connections, look). */
export function adminConnection(url: string): Promise<mysql.Connection> {
  return mysql.createConnection(url);
}
