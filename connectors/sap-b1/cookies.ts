/**
 * Session cookies from a Login response. B1SESSION comes without a Path (`B1SESSION=<id>;HttpOnly;`),
 * which some cookie jars drop, so the connector parses Set-Cookie itself and sends
 * `Cookie: B1SESSION=<id>; ROUTEID=<route>` on every call (fact sheet §2).
 */

export interface SessionCookies {
  sessionId: string | undefined;
  routeId: string | undefined;
}

export function parseSessionCookies(setCookie: string | string[] | undefined): SessionCookies {
  const lines = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie];
  const out: SessionCookies = { sessionId: undefined, routeId: undefined };
  for (const line of lines) {
    const first = line.split(';')[0] ?? '';
    const eq = first.indexOf('=');
    if (eq < 0) continue;
    const name = first.slice(0, eq).trim();
    const value = first.slice(eq + 1).trim();
    if (name === 'B1SESSION') out.sessionId = value;
    else if (name === 'ROUTEID') out.routeId = value;
  }
  return out;
}

export function cookieHeader(sessionId: string, routeId: string | undefined): string {
  return routeId === undefined || routeId === ''
    ? `B1SESSION=${sessionId}`
    : `B1SESSION=${sessionId}; ROUTEID=${routeId}`;
}
