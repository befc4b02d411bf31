/** Encrypted, versioned credential storage (rotated refresh tokens, sessions) on the state store. */
import type { Knex } from 'knex';
import type { CredentialVault } from '../connector/types.js';
import { seal, unseal } from './crypto.js';

const TABLE = 'sluice_credentials';

function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: string; errno?: number };
  return (
    e.code === 'ER_DUP_ENTRY' ||
    e.errno === 1062 ||
    (typeof e.code === 'string' && e.code.startsWith('SQLITE_CONSTRAINT'))
  );
}

export class KnexVault implements CredentialVault {
  constructor(
    private readonly knex: Knex,
    private readonly scope: string,
    private readonly key: () => Buffer,
  ) {}

  private aad(name: string): string {
    return `${this.scope}/${name}`;
  }

  async get<T>(name: string): Promise<{ value: T; version: number } | undefined> {
    const row = (await this.knex(TABLE).where({ scope: this.scope, name }).first()) as
      { ciphertext: string; version: number } | undefined;
    if (!row) return undefined;
    return { value: JSON.parse(unseal(this.key(), row.ciphertext, this.aad(name))) as T, version: Number(row.version) };
  }

  async put<T>(name: string, value: T, expectedVersion?: number): Promise<boolean> {
    const ciphertext = seal(this.key(), JSON.stringify(value), this.aad(name));
    const updated_at = new Date().toISOString();
    if (expectedVersion === 0) {
      try {
        await this.knex(TABLE).insert({ scope: this.scope, name, ciphertext, version: 1, updated_at });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false; // someone else created it first
        throw err;
      }
    }
    if (expectedVersion !== undefined) {
      const n = await this.knex(TABLE)
        .where({ scope: this.scope, name, version: expectedVersion })
        .update({ ciphertext, version: expectedVersion + 1, updated_at });
      return n === 1;
    }
    return this.knex.transaction(async (trx) => {
      const row = (await trx(TABLE).where({ scope: this.scope, name }).forUpdate().first()) as
        { version: number } | undefined;
      if (row)
        await trx(TABLE)
          .where({ scope: this.scope, name })
          .update({ ciphertext, version: Number(row.version) + 1, updated_at });
      else await trx(TABLE).insert({ scope: this.scope, name, ciphertext, version: 1, updated_at });
      return true;
    });
  }

  async delete(name: string): Promise<void> {
    await this.knex(TABLE).where({ scope: this.scope, name }).delete();
  }
}
