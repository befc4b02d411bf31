/**
 * Service Layer sessions: created by Login, identified by the B1SESSION cookie, with a sliding idle
 * timeout (every request resets it), removed by Logout or expiry. Tracks logins in flight so the
 * server can fail a second concurrent login the way real installations do (500, code 299).
 */
import { randomUUID } from 'node:crypto';
import type { EmulatorClock } from './clock.js';

export interface SessionRecord {
  id: string;
  routeId: string;
  companyDb: string;
  userName: string;
  createdAt: number;
  lastUsedAt: number;
}

export class SessionRegistry {
  private readonly sessions = new Map<string, SessionRecord>();
  private routeCounter = 0;
  /** Logins currently being processed (inside the login delay). */
  loginsInFlight = 0;

  constructor(
    private readonly clock: EmulatorClock,
    readonly idleTimeoutMs: number,
    private readonly nodes: number,
  ) {}

  /** The timeout the Login response reports, in whole minutes (at least 1). */
  get timeoutMinutes(): number {
    return Math.max(1, Math.ceil(this.idleTimeoutMs / 60_000));
  }

  create(companyDb: string, userName: string): SessionRecord {
    const now = this.clock.now();
    this.routeCounter += 1;
    const session: SessionRecord = {
      id: randomUUID(),
      routeId: `.node${((this.routeCounter - 1) % this.nodes) + 1}`,
      companyDb,
      userName,
      createdAt: now,
      lastUsedAt: now,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id, its idle timer reset; undefined when unknown or timed out. */
  use(id: string | undefined): SessionRecord | undefined {
    if (id === undefined) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    const now = this.clock.now();
    if (now - session.lastUsedAt >= this.idleTimeoutMs) {
      this.sessions.delete(id);
      return undefined;
    }
    session.lastUsedAt = now;
    return session;
  }

  remove(id: string): boolean {
    return this.sessions.delete(id);
  }

  expireAll(): number {
    const n = this.sessions.size;
    this.sessions.clear();
    return n;
  }

  /** Live sessions (expired ones are dropped first). */
  list(): SessionRecord[] {
    const now = this.clock.now();
    for (const [id, s] of this.sessions) if (now - s.lastUsedAt >= this.idleTimeoutMs) this.sessions.delete(id);
    return [...this.sessions.values()];
  }
}
