import { describe, expect, it } from 'vitest';
import { parseEmulatorArgs, runConcurEmulator } from './main.js';
import { raw } from './test-client.js';
import { CONCUR_EMULATOR_USAGE } from './usage.js';

describe('concur emulator: standalone entry', () => {
  it('parses --port, --fixtures, --regions and rejects unknown flags', () => {
    expect(parseEmulatorArgs(['--port', '8123', '--fixtures=/tmp/f', '--regions', 'us,eu,apj'])).toEqual({
      port: 8123,
      fixturesDir: '/tmp/f',
      regions: ['us', 'eu', 'apj'],
    });
    expect(() => parseEmulatorArgs(['--port', 'x'])).toThrow(/--port/);
    expect(() => parseEmulatorArgs(['--verbose'])).toThrow(/unknown option/);
  });

  it('starts on the given port and prints the URLs and demo credentials', async () => {
    const lines: string[] = [];
    const probe = await runConcurEmulator(['--port', '0'], { detach: true, out: (l) => lines.push(l) });
    await probe.close();
    const emu = await runConcurEmulator([], { detach: true, out: (l) => lines.push(l) });
    try {
      expect(lines.join('\n')).toContain(emu.regions.us);
      expect(lines.join('\n')).toContain(emu.credentials.requestToken);
      const res = await raw(emu.tokenUrl, {
        method: 'POST',
        form: {
          client_id: emu.credentials.clientId,
          client_secret: emu.credentials.clientSecret,
          grant_type: 'password',
          credtype: 'authtoken',
          username: emu.credentials.companyUuid,
          password: emu.credentials.requestToken,
        },
      });
      expect(res.status).toBe(200);
      const counters = (await (await fetch(`${emu.regions.us}/_emulator/counters`)).json()) as {
        total: number;
        requests: Record<string, number>;
      };
      expect(counters.total).toBe(1);
      expect(Object.values(counters.requests)).toEqual([1]);
      expect(Object.keys(counters.requests)[0]).toMatch(/^POST \//);
    } finally {
      await emu.close();
    }
  });

  it('its --help text names every option the parser takes, and the parser takes every option it names', () => {
    const named = [...CONCUR_EMULATOR_USAGE.matchAll(/^ {2}(--[a-z-]+) <[^>]+>/gm)].map((m) => m[1]!);
    expect(named.sort()).toEqual([
      '--company-region',
      '--fault',
      '--fixtures',
      '--host',
      '--port',
      '--regions',
      '--token-ttl',
    ]);
    const value: Record<string, string> = { '--regions': 'us', '--fault': '429 /list' };
    for (const flag of named) expect(() => parseEmulatorArgs([flag, value[flag] ?? '1'])).not.toThrow();
    expect(() => parseEmulatorArgs(['--nope', '1'])).toThrow(
      /--port, --host, --fixtures, --regions, --company-region, --token-ttl, --fault/,
    );
  });

  it('arms --fault specs from the start, and refuses a bad one before starting', async () => {
    const emu = await runConcurEmulator(['--fault', '503 GET /list/v4/lists times=2 retryAfterSeconds=0'], {
      detach: true,
      out: () => {},
    });
    try {
      expect(emu.faults.take({ method: 'GET', path: '/list/v4/lists', query: '', region: 'us' })?.spec).toEqual({
        kind: '503',
        method: 'GET',
        path: '/list/v4/lists',
        times: 2,
        retryAfterSeconds: 0,
      });
    } finally {
      await emu.close();
    }
    expect(() => parseEmulatorArgs(['--fault', '503'])).toThrow(/fault "503": no path/);
    await expect(runConcurEmulator(['--fault', 'boom /x'], { detach: true, out: () => {} })).rejects.toThrow(
      /unknown fault kind boom/,
    );
  });
});
