import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseEmulatorArgs, runSapB1Emulator } from './main.js';
import { testClient } from './testing.js';

describe('sluice emulate sap-b1', () => {
  it('parses its options', () => {
    expect(
      parseEmulatorArgs([
        '--port',
        '5000',
        '--fixtures=/tmp/f',
        '--session-timeout',
        '2',
        '--login-delay',
        '1500',
        '--page-size',
        '50',
      ]),
    ).toEqual({
      port: 5000,
      fixturesDir: '/tmp/f',
      sessionTimeoutMinutes: 2,
      loginDelayMs: 1500,
      defaultPageSize: 50,
    });
    expect(() => parseEmulatorArgs(['--port', 'x'])).toThrow(/--port needs a non-negative number/);
    expect(() => parseEmulatorArgs(['--verbose'])).toThrow(/unknown option --verbose/);
    expect(parseEmulatorArgs(['emulate', 'sap-b1', '--port=50000'])).toEqual({ port: 50000 });
  });

  it('starts on the given port, prints the URL and serves the demo company', async () => {
    const out = new PassThrough();
    let printed = '';
    out.on('data', (d: Buffer) => (printed += d.toString()));
    const emu = await runSapB1Emulator(['--port', '0', '--page-size', '5'], { out, signals: [] });
    try {
      expect(printed).toContain(`listening on ${emu.url}`);
      expect(printed).toContain('CompanyDB: SBO_NORTHWIND');
      const c = testClient(emu);
      await c.login();
      expect((await c.request('GET', 'Projects')).json.value).toHaveLength(5);
    } finally {
      await emu.close();
    }
  });
});
