import { describe, expect, it } from 'vitest';
import { parseEmulatorArgs, runArPlatformEmulator } from './main.js';
import { tokenFor, call } from './testing.js';
import { AR_PLATFORM_EMULATOR_USAGE } from './usage.js';

describe('sluice emulate ar-platform', () => {
  it('parses its options and refuses unknown or bad ones', () => {
    expect(parseEmulatorArgs(['--port', '0', '--host=127.0.0.1', '--token-ttl', '5', '--empty'])).toEqual({
      port: 0,
      host: '127.0.0.1',
      tokenTtlSeconds: 5,
      seed: {},
    });
    expect(() => parseEmulatorArgs(['--port', '70000'])).toThrow(/--port must be 0-65535/);
    expect(() => parseEmulatorArgs(['--token-ttl'])).toThrow(/--token-ttl needs a value/);
    expect(() => parseEmulatorArgs(['--token-ttl', '-5'])).toThrow(/--token-ttl needs a non-negative number/);
    expect(() => parseEmulatorArgs(['--nope'])).toThrow(
      /unknown option --nope \(use --port, --host, --token-ttl, --empty, --fault\)/,
    );
    expect(parseEmulatorArgs(['--fault', '503 GET /v1/payments times=2 retryAfterSeconds=7'])).toEqual({
      faults: [{ kind: '503', method: 'GET', path: '/v1/payments', times: 2, retryAfterSeconds: 7 }],
    });
    expect(() => parseEmulatorArgs(['--fault', '503'])).toThrow(/fault "503": no path/);
  });

  it('its --help text names every option the parser takes, and the parser takes every option it names', () => {
    const named = [...AR_PLATFORM_EMULATOR_USAGE.matchAll(/^ {2}(--[a-z-]+)/gm)].map((m) => m[1]!);
    expect(named.sort()).toEqual(['--empty', '--fault', '--host', '--port', '--token-ttl']);
    const value: Record<string, string[]> = { '--empty': [], '--fault': ['429 /v1'], '--host': ['::1'] };
    for (const flag of named) expect(() => parseEmulatorArgs([flag, ...(value[flag] ?? ['1'])])).not.toThrow();
    expect(AR_PLATFORM_EMULATOR_USAGE).toContain('GET /_emulator/counters');
  });

  it('arms --fault specs from the start, and refuses a bad one before serving', async () => {
    const emu = await runArPlatformEmulator(['--empty', '--fault', '503 GET /v1/payments retryAfterSeconds=7'], {
      detach: true,
      out: () => {},
    });
    try {
      const res = await call(emu, await tokenFor(emu), 'GET', '/v1/payments');
      expect([res.status, res.headers.get('retry-after'), res.json.error.code]).toEqual([
        503,
        '7',
        'service_unavailable',
      ]);
    } finally {
      await emu.close();
    }
    await expect(runArPlatformEmulator(['--fault', 'boom /v1'], { detach: true, out: () => {} })).rejects.toThrow(
      /unknown fault kind boom/,
    );
  });

  it('starts, prints its URL and demo client, and serves the API', async () => {
    const lines: string[] = [];
    const emu = await runArPlatformEmulator(['--empty'], { detach: true, out: (l) => lines.push(l) });
    try {
      expect(lines[1]).toBe(`  API          ${emu.url}/v1`);
      expect(lines.join('\n')).toContain('clientId     sluice-demo');
      const payments = await call(emu, await tokenFor(emu), 'GET', '/v1/payments');
      expect(payments.json.data).toEqual([]);
    } finally {
      await emu.close();
    }
  });
});
