/** A journal entry on its way through `prepareRecords`: completed so far (with notes), or refused. */
import type { DataRecord } from '../../../engine/connector/types.js';

export type Step = { ok: true; record: DataRecord; notes: string[] } | { ok: false; code: string; message: string };

/** Memo (OJDT.Memo) holds 50 characters (DI). */
export const MEMO_MAX = 50;

export const cents = (n: number): number => Math.round(n * 100);
export const round2 = (n: number): number => Math.round(n * 100) / 100;
export const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
export const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
