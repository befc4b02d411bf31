import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkHostKey, fingerprintOf, hostsMatch, knownHostsName } from './host-key.js';

const key = randomBytes(51);
const other = randomBytes(51);
const b64 = key.toString('base64');
const known = (text: string) => ({ knownHosts: { path: '/etc/known_hosts', text } });

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('host-key checks', () => {
  it('prints fingerprints as ssh-keygen does and names non-22 ports in brackets', () => {
    expect(fingerprintOf(key)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(knownHostsName('sftp.example', 22)).toBe('sftp.example');
    expect(knownHostsName('127.0.0.1', 2222)).toBe('[127.0.0.1]:2222');
  });

  it('accepts the pinned fingerprint (with or without padding) and refuses any other key, naming both', () => {
    const fp = fingerprintOf(key);
    expect(checkHostKey({ fingerprint: fp }, 'h', 22, key)).toBeUndefined();
    expect(checkHostKey({ fingerprint: `${fp}=` }, 'h', 22, key)).toBeUndefined();
    const err = checkHostKey({ fingerprint: fp }, 'h', 22, other)!;
    expect(err.code).toBe('SFTP_HOST_KEY_REJECTED');
    expect(err.reasonClass).toBe('config');
    expect(err.message).toContain(fingerprintOf(other));
    expect(err.message).toContain('hostKey.fingerprint');
  });

  it('matches plain, wildcard, hashed and negated known_hosts patterns', () => {
    expect(hostsMatch('a.example,b.example', 'b.example')).toBe(true);
    expect(hostsMatch('*.example', 'sftp.example')).toBe(true);
    expect(hostsMatch('*.example,!bad.example', 'bad.example')).toBe(false);
    expect(hostsMatch(hashed('[10.0.0.1]:2222'), '[10.0.0.1]:2222')).toBe(true);
    expect(hostsMatch(hashed('[10.0.0.1]:2222'), '10.0.0.1')).toBe(false);
  });

  it('accepts a listed key, refuses a different one (mismatch) and an unlisted host (unknown), saying what to do', () => {
    const text = `# comment\n\n[h]:2222 ssh-ed25519 ${b64}\nother ssh-ed25519 ${other.toString('base64')}\n`;
    expect(checkHostKey(known(text), 'h', 2222, key)).toBeUndefined();
    const mismatch = checkHostKey(known(text), 'h', 2222, other)!;
    expect(mismatch.message).toContain('does not match /etc/known_hosts:3');
    const unknown = checkHostKey(known(text), 'new', 22, key)!;
    expect(unknown.code).toBe('SFTP_HOST_KEY_REJECTED');
    expect(unknown.message).toContain('new is not in /etc/known_hosts');
    expect(unknown.message).toContain('ssh-keyscan -p 22 new >> /etc/known_hosts');
    expect(unknown.message).toContain(`hostKey.fingerprint: "${fingerprintOf(key)}"`);
  });

  it('refuses a key marked @revoked even when another line lists it', () => {
    const text = `h ssh-ed25519 ${b64}\n@revoked * ssh-ed25519 ${b64}\n`;
    expect(checkHostKey(known(text), 'h', 22, key)?.message).toContain('@revoked in /etc/known_hosts:2');
  });
});
