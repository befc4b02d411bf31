import { describe, expect, it } from 'vitest';
import { parseEmulatorArgs, runSapB1Emulator } from './main.js';
import { testClient } from './testing.js';
import { SAP_B1_EMULATOR_USAGE } from './usage.js';

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
    expect(() => parseEmulatorArgs(['--port', 'x'])).toThrow(/--port must be 0-65535/);
    expect(() => parseEmulatorArgs(['--verbose'])).toThrow(/unknown option --verbose/);
    expect(parseEmulatorArgs(['emulate', 'sap-b1', '--port=50000'])).toEqual({ port: 50000 });
    expect(
      parseEmulatorArgs(['--fault', 'error POST JournalEntries status=400 code=-5002', '--fault=hold Login']),
    ).toEqual({
      faults: [
        { kind: 'error', method: 'POST', path: 'JournalEntries', status: 400, code: -5002 },
        { kind: 'hold', path: 'Login' },
      ],
    });
  });

  it('starts on the given port, prints the URL and serves the demo company', async () => {
    let printed = '';
    const out = (line: string): void => void (printed += `${line}\n`);
    const emu = await runSapB1Emulator(['--port', '0', '--page-size', '5'], { out, detach: true });
    try {
      expect(printed).toContain(`listening on ${emu.url}`);
      expect(printed).toContain('CompanyDB: SBO_NORTHWIND');
      const c = testClient(emu);
      await c.login();
      expect((await c.request('GET', 'Projects')).json.value).toHaveLength(5);
      const counters = (await (await fetch(`${emu.url}/_emulator/counters`)).json()) as Record<string, unknown>;
      expect(counters).toEqual({
        total: 2,
        logins: 1,
        failedLogins: 0,
        logouts: 0,
        requests: { 'POST Login': 1, 'GET Projects': 1 },
        inFlight: 0,
        maxInFlight: 1,
      });
    } finally {
      await emu.close();
    }
  });

  it('its --help text names every option the parser takes', () => {
    const named = [...SAP_B1_EMULATOR_USAGE.matchAll(/^ {2}(--[a-z-]+) <[^>]+>/gm)].map((m) => m[1]!);
    expect(named.sort()).toEqual([
      '--fault',
      '--fixtures',
      '--host',
      '--login-delay',
      '--page-size',
      '--port',
      '--session-timeout',
    ]);
    for (const flag of named)
      expect(() => parseEmulatorArgs([flag, flag === '--fault' ? '500 Login' : '1'])).not.toThrow();
  });

  it('arms --fault specs from the start, and refuses a bad one before serving', async () => {
    const emu = await runSapB1Emulator(['--fault', '502-html POST Login'], { out: () => {}, detach: true });
    try {
      const res = await fetch(`${emu.url}/b1s/v2/Login`, { method: 'POST', body: '{}' });
      expect([res.status, res.headers.get('content-type')]).toEqual([502, 'text/html; charset=iso-8859-1']);
      expect(emu.faults.active()).toEqual([]);
    } finally {
      await emu.close();
    }
    await expect(runSapB1Emulator(['--fault', 'boom Login'], { out: () => {}, detach: true })).rejects.toThrow(
      /unknown fault kind boom/,
    );
  });
});
