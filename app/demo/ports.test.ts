/** The demo's remembered ports: garbage is ignored, a taken port gives way to a free one. */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/tmp.js';
import { loadPorts, onPort, savePorts } from './ports.js';

describe('demo ports', () => {
  it('round-trips, and ignores what is not a port', () => {
    const path = join(tempDir('sluice-ports-'), 'ports.json');
    expect(loadPorts(path)).toEqual({});
    savePorts(path, { b1: 40_001, sftp: 40_002 });
    expect(loadPorts(path)).toEqual({ b1: 40_001, sftp: 40_002 });
    writeFileSync(path, JSON.stringify({ b1: 'x', ar: 70_000, concur: 1.5, sftp: 40_003 }));
    expect(loadPorts(path)).toEqual({ sftp: 40_003 });
    writeFileSync(path, '{not json');
    expect(loadPorts(path)).toEqual({});
  });

  it('starts on the wanted port, or on any port when it is taken; other errors are not swallowed', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as { port: number }).port;
    const listen = (p: number | undefined): Promise<number> =>
      new Promise((resolve, reject) => {
        const s = createServer();
        s.once('error', reject);
        s.listen(p ?? 0, '127.0.0.1', () => {
          const got = (s.address() as { port: number }).port;
          s.close(() => resolve(got));
        });
      });
    try {
      const got = await onPort(port, listen);
      expect(got).not.toBe(port);
      await expect(onPort(port, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    } finally {
      await new Promise((r) => taken.close(r));
    }
    expect(await onPort(port, listen)).toBe(port);
  });
});
