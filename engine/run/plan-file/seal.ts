/**
 * The seal of a plan file: an HMAC-SHA256, keyed by the state store's plan key, over the canonical
 * JSON of its header, then each operation, then each attention entry, in order. Editing any value,
 * adding, removing or reordering operations, or moving one between sections changes it. `keyId`
 * names the key (not secret) so a plan sealed by another state store is told apart from a tampered one.
 */
import { createHash, createHmac, type Hmac } from 'node:crypto';
import { canonicalJson } from '../../plan/hash.js';

export const SEAL_ALG = 'HMAC-SHA256';

export interface Seal {
  alg: typeof SEAL_ALG;
  keyId: string;
  digest: string;
}

export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).update('sluice plan key id').digest('hex').slice(0, 16);
}

export class PlanSealer {
  private readonly hmac: Hmac;
  private section: 'header' | 'operations' | 'attention' = 'header';

  constructor(private readonly key: Buffer) {
    this.hmac = createHmac('sha256', key);
  }

  header(header: unknown): void {
    this.hmac.update(`header\n${canonicalJson(header)}\n`);
  }

  op(op: unknown): void {
    this.enter('operations');
    this.hmac.update(`${canonicalJson(op)}\n`);
  }

  attention(att: unknown): void {
    this.enter('attention');
    this.hmac.update(`${canonicalJson(att)}\n`);
  }

  private enter(section: 'operations' | 'attention'): void {
    while (this.section !== section) {
      this.section = this.section === 'header' ? 'operations' : 'attention';
      this.hmac.update(`${this.section}\n`);
    }
  }

  seal(): Seal {
    this.enter('attention');
    return { alg: SEAL_ALG, keyId: keyIdOf(this.key), digest: this.hmac.digest('hex') };
  }
}
