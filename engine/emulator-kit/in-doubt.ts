/**
 * Faults that leave a write in doubt, the same in every emulator: the request is processed (and
 * commits) although the client learns nothing certain about it.
 * - `delay`: wait `delayMs` (emulator clock), then process and answer; a client that gave up in
 *   the meantime does not stop it.
 * - `hold`: wait at the fault's gate until the test releases it (process, commit, answer) or drops
 *   it (socket destroyed, nothing processed).
 * - `proxy-504`: a reverse proxy in front answers 504 with its HTML page after `afterMs`; the server
 *   behind it processes and commits at `delayMs` all the same. The client always gets the 504.
 * - `drop-after-commit`: process, then destroy the socket instead of answering.
 */
import type { Clock } from '../runtime/clock.js';
import { gatewayTimeout, type GatewayStyle, type GatewayTimeoutAnswer } from './gateway.js';
import type { HoldGate } from './hold.js';
import type { Exchange } from './traffic.js';

export const IN_DOUBT_FAULT_KINDS = ['delay', 'hold', 'proxy-504', 'drop-after-commit'] as const;
export type InDoubtFaultKind = (typeof IN_DOUBT_FAULT_KINDS)[number];

export type InDoubtFault =
  | { kind: 'delay'; delayMs: number }
  | { kind: 'hold'; gate: HoldGate }
  | { kind: 'proxy-504'; afterMs: number; delayMs: number; gateway: GatewayStyle }
  | { kind: 'drop-after-commit' };

export function isInDoubtKind(kind: string): kind is InDoubtFaultKind {
  return (IN_DOUBT_FAULT_KINDS as readonly string[]).includes(kind);
}

/** The fields of an emulator's fault spec the in-doubt kinds read. */
export interface InDoubtFaultFields {
  /** `delay`: the wait before processing. `proxy-504`: when the request commits (default `afterMs`). */
  delayMs?: number;
  /** `proxy-504`: when the proxy answers 504 (default 0). */
  afterMs?: number;
  /** `proxy-504`: whose error page. */
  gateway?: GatewayStyle;
}

/** What an emulator assumes when a spec leaves them out: its `delay`, and the proxy in front of it. */
export interface InDoubtDefaults {
  delayMs: number;
  gateway: GatewayStyle;
}

/** The in-doubt fault a spec asks for (its `hold` waiting at `gate`), or undefined for any other kind. */
export function inDoubtFault(
  spec: InDoubtFaultFields & { kind: string },
  gate: HoldGate,
  defaults: InDoubtDefaults,
): InDoubtFault | undefined {
  switch (spec.kind) {
    case 'delay':
      return { kind: 'delay', delayMs: spec.delayMs ?? defaults.delayMs };
    case 'hold':
      return { kind: 'hold', gate };
    case 'proxy-504': {
      const afterMs = spec.afterMs ?? 0;
      return {
        kind: 'proxy-504',
        afterMs,
        delayMs: spec.delayMs ?? afterMs,
        gateway: spec.gateway ?? defaults.gateway,
      };
    }
    case 'drop-after-commit':
      return { kind: 'drop-after-commit' };
    default:
      return undefined;
  }
}

export interface InDoubtSteps<R> {
  exchange: Exchange;
  clock: Clock;
  /** Processes the request, committing what it writes; never throws for a request the server refuses. */
  process(): Promise<R>;
  /** Writes the answer of `process` (through `exchange.answer`). */
  answer(result: R): void;
  /** Writes the proxy's 504 (through `exchange.answer`). */
  answerGatewayTimeout(answer: GatewayTimeoutAnswer): void;
}

/** Serves one request under an in-doubt fault; resolves when it is processed (or dropped) and answered. */
export async function serveInDoubt<R>(fault: InDoubtFault, steps: InDoubtSteps<R>): Promise<void> {
  const { exchange, clock } = steps;
  switch (fault.kind) {
    case 'delay':
      await clock.sleep(fault.delayMs);
      break;
    case 'hold':
      if ((await fault.gate.wait()) === 'drop') {
        exchange.drop();
        return;
      }
      break;
    case 'proxy-504': {
      const proxy = clock.sleep(fault.afterMs).then(() => steps.answerGatewayTimeout(gatewayTimeout(fault.gateway)));
      const server = clock.sleep(fault.delayMs).then(() => steps.process());
      await Promise.all([proxy, server]);
      return;
    }
    case 'drop-after-commit':
      break;
  }
  const result = await steps.process();
  if (fault.kind === 'drop-after-commit') exchange.drop();
  else steps.answer(result);
}
