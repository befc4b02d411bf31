import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/tmp.js';
import { startSapB1Emulator, type SapB1Emulator } from './emulator/index.js';
import { openTestConnection, readAll, testContext } from './test-support.js';

// A throwaway self-signed certificate for 127.0.0.1, made with the openssl command line.
const dir = tempDir('sap-b1-tls-');

describe('sap-b1 over https', () => {
  let emu: SapB1Emulator;
  beforeAll(async () => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    emu = await startSapB1Emulator({
      tls: { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
    });
  });
  afterAll(async () => {
    await emu.close();
  });

  it('refuses an untrusted certificate with a non-retryable error that names the fix', async () => {
    expect(emu.url).toMatch(/^https:/);
    const conn = await openTestConnection(emu);
    await expect(readAll(conn.source('dimensions', {}).read({}))).rejects.toMatchObject({
      code: 'SAP_B1_TLS',
      retryable: false,
      message: expect.stringMatching(/tls\.caFile/),
    });
    await conn.close();
  });

  it('trusts the certificate given in tls.caFile (relative to the connections file)', async () => {
    const conn = await openTestConnection(emu, { tls: { caFile: 'cert.pem' } }, { ...testContext(), baseDir: dir });
    expect((await readAll(conn.source('dimensions', {}).read({}))).records).toHaveLength(5);
    await conn.close();
  });

  it('can be told not to verify', async () => {
    const conn = await openTestConnection(emu, { tls: { rejectUnauthorized: false } });
    expect((await readAll(conn.source('dimensions', {}).read({}))).records).toHaveLength(5);
    await conn.close();
  });
});
