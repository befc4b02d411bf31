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
    expect(() => parseEmulatorArgs(['--port', '70000'])).toThrow(/--port must be an integer 0-65535/);
    expect(() => parseEmulatorArgs(['--token-ttl'])).toThrow(/needs a value/);
    expect(() => parseEmulatorArgs(['--nope'])).toThrow(/unknown option --nope/);
    for (const flag of ['--port', '--host', '--token-ttl', '--empty', 'GET /_emulator/counters'])
      expect(AR_PLATFORM_EMULATOR_USAGE).toContain(flag);
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
