/**
 * AES-256-GCM sealing for credentials at rest. The key comes from SLUICE_SECRET_KEY: 64 hex chars or
 * base64 of 32 bytes are used as is; any other string is a passphrase stretched with scrypt.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { ConfigError, SluiceError } from '../errors.js';

const PREFIX = 'v1';

export function keyFromSecret(secret: string): Buffer {
  const s = secret.trim();
  if (/^[0-9a-fA-F]{64}$/.test(s)) return Buffer.from(s, 'hex');
  const b64 = Buffer.from(s, 'base64');
  if (b64.length === 32 && /^[A-Za-z0-9+/=_-]+$/.test(s)) return b64;
  if (s.length < 12)
    throw new ConfigError(
      'SECRET_KEY_WEAK',
      'SLUICE_SECRET_KEY is too short: use 32 random bytes (64 hex chars) or a passphrase of 12+ characters',
    );
  return scryptSync(s, 'sluice-state-store', 32);
}

export function seal(key: Buffer, plaintext: string, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [PREFIX, iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
}

export function unseal(key: Buffer, sealed: string, aad: string): string {
  const [prefix, iv, tag, body] = sealed.split(':');
  if (prefix !== PREFIX || !iv || !tag || body === undefined) {
    throw new SluiceError('CREDENTIAL_CORRUPT', `stored credential "${aad}" has an unknown format`);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  } catch (cause) {
    throw new SluiceError(
      'CREDENTIAL_KEY_MISMATCH',
      `stored credential "${aad}" cannot be decrypted: SLUICE_SECRET_KEY differs from the key it was stored with`,
      { cause },
    );
  }
}
