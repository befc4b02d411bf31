/**
 * Saves and restores the emulators' state between two `sluice demo` invocations, so the second one
 * runs against the systems the first one left behind (and finds nothing to change). The emulators
 * keep their data in Maps of plain JSON objects; those are what is saved.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

type Maps = Record<string, [string, unknown][]>;

function mapsOf(state: object): Map<string, Map<unknown, unknown>> {
  const out = new Map<string, Map<unknown, unknown>>();
  for (const [name, value] of Object.entries(state))
    if (value instanceof Map) out.set(name, value as Map<unknown, unknown>);
  return out;
}

export function snapshotMaps(state: object): Maps {
  return Object.fromEntries([...mapsOf(state)].map(([name, map]) => [name, [...map.entries()] as [string, unknown][]]));
}

export function restoreMaps(state: object, saved: Maps): void {
  for (const [name, map] of mapsOf(state)) {
    const entries = saved[name];
    if (!entries) continue;
    map.clear();
    for (const [k, v] of entries) map.set(k, v);
  }
}

export interface EmulatorStates {
  concur: object;
  b1: object;
  /** The AR-platform emulator's collections (ArStore.collections). */
  ar: object;
}

export function saveEmulatorStates(path: string, states: EmulatorStates): void {
  writeFileSync(
    path,
    JSON.stringify({
      concur: snapshotMaps(states.concur),
      b1: snapshotMaps(states.b1),
      ar: snapshotMaps(states.ar),
    }),
  );
}

/** Restores what `saveEmulatorStates` wrote; false when there is nothing to restore. */
export function loadEmulatorStates(path: string, states: EmulatorStates): boolean {
  if (!existsSync(path)) return false;
  const saved = JSON.parse(readFileSync(path, 'utf8')) as { concur: Maps; b1: Maps; ar?: Maps };
  restoreMaps(states.concur, saved.concur);
  restoreMaps(states.b1, saved.b1);
  if (saved.ar) restoreMaps(states.ar, saved.ar);
  return true;
}
