/**
 * Login and Logout (fact sheet §2). Login answers with `B1SESSION=<id>;HttpOnly;` (no Path) and
 * `ROUTEID=.nodeN; path=/b1s`, and the session's timeout in minutes; it takes `loginDelayMs`, and
 * a second Login arriving while one is in flight fails with 500 / 299.
 */
import { header, type EmulatorCore, type EmulatorRequest, type Reply } from './core.js';
import { faults } from './errors.js';
import type { SessionRecord } from './sessions.js';

export function sessionCookie(req: EmulatorRequest): string | undefined {
  const cookie = header(req, 'cookie') ?? '';
  for (const part of cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === 'B1SESSION') return rest.join('=');
  }
  return undefined;
}

export function requireSession(core: EmulatorCore, req: EmulatorRequest): SessionRecord {
  const session = core.sessions.use(sessionCookie(req));
  if (!session) throw faults.invalidSession();
  return session;
}

function checkCredentials(core: EmulatorCore, body: Record<string, unknown>): { companyDb: string; userName: string } {
  const { CompanyDB, UserName, Password, Language } = body;
  if (Language !== undefined && Language !== null && typeof Language !== 'string' && typeof Language !== 'number') {
    throw faults.badRequest("Property 'Language' of 'Login' is invalid");
  }
  if (CompanyDB !== core.options.companyDb) throw faults.loginFailed(-306);
  const user = core.options.users.find((u) => u.userName === UserName && u.password === Password);
  if (!user) throw faults.loginFailed(-304);
  return { companyDb: CompanyDB, userName: user.userName };
}

export async function login(core: EmulatorCore, req: EmulatorRequest): Promise<Reply> {
  if (core.sessions.loginsInFlight > 0 && core.options.rejectParallelLogins) {
    core.counters.failedLogins += 1;
    throw faults.parallelLogin();
  }
  core.sessions.loginsInFlight += 1;
  try {
    if (core.options.loginDelayMs > 0) await core.clock.sleep(core.options.loginDelayMs);
    let who: { companyDb: string; userName: string };
    try {
      who = checkCredentials(core, req.body);
    } catch (err) {
      core.counters.failedLogins += 1;
      throw err;
    }
    const session = core.sessions.create(who.companyDb, who.userName);
    core.counters.logins += 1;
    const d = req.dialect;
    return {
      status: 200,
      headers: { 'set-cookie': [`B1SESSION=${session.id};HttpOnly;`, `ROUTEID=${session.routeId}; path=/b1s`] },
      json: {
        [d.context]: d.contextValue(req.base, 'B1Sessions', true),
        SessionId: session.id,
        Version: d.version === 'v1' ? '1000110' : '1000191',
        SessionTimeout: core.sessions.timeoutMinutes,
      },
    };
  } finally {
    core.sessions.loginsInFlight -= 1;
  }
}

export function logout(core: EmulatorCore, session: SessionRecord): Reply {
  core.sessions.remove(session.id);
  core.counters.logouts += 1;
  return { status: 204 };
}
