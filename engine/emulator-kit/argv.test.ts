import { describe, expect, it } from 'vitest';
import { emulatorFlags, flagUsage, parseEmulatorArgv, type CommonEmulatorArgs, type FlagSpec } from './argv.js';

interface Opts {
  port?: number;
  host?: string;
  regions?: string[];
  delayMs?: number;
  faults?: string[];
  quiet?: boolean;
}

const FLAGS: FlagSpec<Opts>[] = [
  { flag: 'port', kind: 'port', option: 'port' },
  { flag: 'host', kind: 'string', option: 'host' },
  { flag: 'regions', kind: 'list', option: 'regions' },
  { flag: 'delay', kind: 'number', option: 'delayMs' },
  { flag: 'fault', kind: 'string', option: 'faults', multiple: true },
  { flag: 'quiet', kind: 'boolean', option: 'quiet' },
];

describe('parseEmulatorArgv', () => {
  it('reads both value syntaxes, lists, repeats and booleans, after leading words', () => {
    expect(
      parseEmulatorArgv(
        [
          'emulate',
          'x',
          '--port',
          '8123',
          '--host=0.0.0.0',
          '--regions',
          'us, eu',
          '--delay=5',
          '--fault',
          'a',
          '--fault=b',
          '--quiet',
        ],
        FLAGS,
      ),
    ).toEqual({ port: 8123, host: '0.0.0.0', regions: ['us', 'eu'], delayMs: 5, faults: ['a', 'b'], quiet: true });
    expect(parseEmulatorArgv(['emulate', 'x'], FLAGS)).toEqual({});
  });

  it('refuses unknown flags, missing values and bad numbers, naming the flag', () => {
    expect(() => parseEmulatorArgv(['--verbose'], FLAGS)).toThrow(/^unknown option --verbose \(use --port, --host/);
    expect(() => parseEmulatorArgv(['--host'], FLAGS)).toThrow('--host needs a value');
    expect(() => parseEmulatorArgv(['--delay', '-1'], FLAGS)).toThrow('--delay needs a non-negative number');
    expect(() => parseEmulatorArgv(['--delay', 'x'], FLAGS)).toThrow('--delay needs a non-negative number');
    expect(() => parseEmulatorArgv(['--port', '70000'], FLAGS)).toThrow('--port must be 0-65535');
  });

  it('parses `fault` flags into fault specs, and refuses a bad one naming it', () => {
    const flags: FlagSpec<{ faults?: unknown[] }>[] = [
      { flag: 'fault', kind: 'fault', option: 'faults', multiple: true },
    ];
    expect(
      parseEmulatorArgv(['--fault', '429 GET /list times=all retryAfterSeconds=0', '--fault=hold Login'], flags),
    ).toEqual({
      faults: [
        { kind: '429', method: 'GET', path: '/list', times: Infinity, retryAfterSeconds: 0 },
        { kind: 'hold', path: 'Login' },
      ],
    });
    expect(() => parseEmulatorArgv(['--fault', '503'], flags)).toThrow(/fault "503": no path/);
    expect(flagUsage(flags)).toBe('--fault <spec> (repeatable)');
  });

  it('gives every emulator --port, --host and --fault around its own flags', () => {
    const flags = emulatorFlags<CommonEmulatorArgs & { empty?: boolean }>({
      flag: 'empty',
      kind: 'boolean',
      option: 'empty',
    });
    expect(flagUsage(flags)).toBe('--port <port> --host <text> --empty --fault <spec> (repeatable)');
    expect(parseEmulatorArgv(['--host', '::1', '--empty', '--fault', 'hold /x', '--port=0'], flags)).toEqual({
      port: 0,
      host: '::1',
      empty: true,
      faults: [{ kind: 'hold', path: '/x' }],
    });
  });

  it('prints the flags for usage texts', () => {
    expect(flagUsage(FLAGS)).toBe(
      '--port <port> --host <text> --regions <a,b> --delay <n> --fault <text> (repeatable) --quiet',
    );
  });
});
