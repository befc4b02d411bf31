/**
 * The contract check for an end-to-end test file that starts emulators of its own (for example two
 * SAP B1 companies) instead of taking them from demoEnvironment(): each emulator attached here has
 * its traffic recorded and held against the vendored specs after every test, as demoEnvironment() does.
 */
import { afterAll, afterEach, beforeEach } from 'vitest';
import type { TrafficRecorder } from '../../engine/emulator-kit/recorder.js';
import { trafficContract } from './traffic-contract.js';

interface RecordingEmulator {
  events: { on(listener: (e: { type: string; requestId?: number }) => void): unknown };
  recordTraffic(recorder: TrafficRecorder): () => void;
}

/** Call at describe level; returns `attach(system, emulator)` for each emulator the file starts. */
export function checkedEmulators(): (system: string, emulator: RecordingEmulator) => void {
  const contract = trafficContract();
  beforeEach(() => contract.testStarted());
  afterEach(() => {
    contract.testEnded();
    contract.check();
  });
  afterAll(() => {
    try {
      contract.check();
    } finally {
      const open = contract.openFindings();
      if (open) console.warn(open);
    }
  });
  return (system, emulator) => {
    emulator.events.on((e) => {
      if (e.type === 'request' && e.requestId !== undefined) contract.arrived(system, e.requestId);
    });
    emulator.recordTraffic((x) => contract.record({ system, ...x }));
  };
}
