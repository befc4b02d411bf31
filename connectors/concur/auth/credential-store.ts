/**
 * The rotated refresh token and its geolocation, stored together (one encrypted, versioned vault
 * entry) so a later run or a parallel process continues from the newest one. The entry records a
 * fingerprint of the connections.yaml seed: a new seed (re-onboarding) takes precedence.
 */
import { createHash } from 'node:crypto';
import type { CredentialVault } from '../../../engine/connector/types.js';
import type { ResolvedConfig } from '../config.js';

export interface StoredCredential {
  refreshToken: string;
  geolocation: string;
  /** Epoch ms, when known. */
  refreshExpiresAt?: number;
  /** Fingerprint of the seed credential this chain started from (not reversible). */
  seed: string;
  updatedAt: string;
}

export interface Versioned<T> {
  value: T;
  version: number;
}

/**
 * Fingerprint of the seed: the credentials and the endpoints they were issued for. Pointing the
 * connection at another system (a new authUrl or geolocation) starts a new chain instead of calling
 * the stored geolocation of the old one.
 */
export function seedFingerprint(config: ResolvedConfig): string {
  return createHash('sha256')
    .update(
      [
        'concur-seed',
        config.clientId,
        config.companyUuid ?? '',
        config.requestToken ?? '',
        config.refreshToken ?? '',
        config.authBase,
        config.seedGeolocation,
      ].join('\u0000'),
    )
    .digest('hex')
    .slice(0, 24);
}

export class CredentialStore {
  readonly name: string;

  constructor(
    private readonly vault: CredentialVault,
    connectionName: string,
  ) {
    this.name = `concur:${connectionName}:oauth`;
  }

  load(): Promise<Versioned<StoredCredential> | undefined> {
    return this.vault.get<StoredCredential>(this.name);
  }

  /**
   * Compare-and-swap on `expectedVersion` (0: create). When another process stored a newer
   * credential meanwhile, ours is still freshly issued and valid, so it is written anyway: the other
   * process reads the vault again before its next refresh.
   */
  async save(value: StoredCredential, expectedVersion: number | undefined): Promise<'stored' | 'overwrote'> {
    if (expectedVersion !== undefined && (await this.vault.put(this.name, value, expectedVersion))) return 'stored';
    await this.vault.put(this.name, value);
    return expectedVersion === undefined ? 'stored' : 'overwrote';
  }
}
