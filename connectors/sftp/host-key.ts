/**
 * Host-key checking: the key the server presents must be the pinned SHA256 fingerprint, or be listed
 * for the host in an OpenSSH known_hosts file (plain, wildcard or hashed `|1|salt|hash` host
 * patterns, `[host]:port` for ports other than 22, `!negated` patterns, `@revoked` lines). Anything
 * else refuses the connection with a message saying what to put where.
 */
import { createHash, createHmac } from 'node:crypto';
import { hostKeyError } from './errors.js';
import type { SluiceError } from '../../engine/errors.js';

export type HostKeyCheck = { knownHosts: { path: string; text: string } } | { fingerprint: string };

/** `SHA256:<base64 without padding>` of a raw SSH public key blob, as `ssh-keygen -l` prints it. */
export function fingerprintOf(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The name known_hosts lists the server under. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function wildcard(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

function patternMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt, hash] = pattern.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  return wildcard(pattern).test(name);
}

/** Whether a known_hosts host field (comma-separated patterns) lists `name`. */
export function hostsMatch(field: string, name: string): boolean {
  let matched = false;
  for (const p of field.split(',')) {
    if (p.startsWith('!')) {
      if (patternMatches(p.slice(1), name)) return false;
    } else if (patternMatches(p, name)) matched = true;
  }
  return matched;
}

interface Entry {
  line: number;
  revoked: boolean;
  type: string;
  key: string;
}

function entriesFor(text: string, name: string): Entry[] {
  const out: Entry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: string | undefined;
    if (fields[0]!.startsWith('@')) marker = fields.shift();
    if (marker === '@cert-authority' || fields.length < 3) return; // host certificates are not supported
    if (hostsMatch(fields[0]!, name))
      out.push({ line: i + 1, revoked: marker === '@revoked', type: fields[1]!, key: fields[2]! });
  });
  return out;
}

/** Why the server's `key` must be refused, or undefined when it is the expected one. */
export function checkHostKey(check: HostKeyCheck, host: string, port: number, key: Buffer): SluiceError | undefined {
  const offered = fingerprintOf(key);
  const where = `${host}:${port}`;
  if ('fingerprint' in check) {
    if (offered === check.fingerprint.replace(/=+$/, '')) return undefined;
    return hostKeyError(
      `sftp ${where}: the server's host key is ${offered}, not the pinned hostKey.fingerprint ${check.fingerprint}. ` +
        'If the server\u2019s key was changed on purpose, confirm the new fingerprint with its administrator and put it in hostKey.fingerprint in connections.yaml; otherwise do not connect (the server may be an impostor).',
    );
  }
  const { path, text } = check.knownHosts;
  const name = knownHostsName(host, port);
  const blob = key.toString('base64');
  const entries = entriesFor(text, name);
  const same = entries.filter((e) => e.key === blob);
  const revoked = same.find((e) => e.revoked);
  if (revoked)
    return hostKeyError(
      `sftp ${where}: the server's host key ${offered} is marked @revoked in ${path}:${revoked.line}; do not connect, ask the server's administrator`,
    );
  if (same.length > 0) return undefined;
  const listed = entries.filter((e) => !e.revoked);
  if (listed.length > 0)
    return hostKeyError(
      `sftp ${where}: the server's host key ${offered} does not match ${path}:${listed.map((e) => e.line).join(',')} (${name}). ` +
        'If the server\u2019s key was changed on purpose, confirm the new fingerprint with its administrator and replace that line; otherwise do not connect (the server may be an impostor).',
    );
  return hostKeyError(
    `sftp ${where}: ${name} is not in ${path}. Confirm the server's key fingerprint (${offered}) with its administrator, then add its line ` +
      `(\`ssh-keyscan -p ${port} ${host} >> ${path}\`), or pin it as hostKey.fingerprint: "${offered}" in connections.yaml.`,
  );
}
