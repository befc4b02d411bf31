/** A one-time message after a POST (post/redirect/get), in a short-lived HttpOnly cookie. */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

export function flash(c: Context, message: string): void {
  setCookie(c, 'sluice_flash', encodeURIComponent(message.slice(0, 600)), {
    httpOnly: true,
    sameSite: 'Strict',
    path: '/',
    maxAge: 60,
  });
}

export function takeFlash(c: Context): string | undefined {
  const v = getCookie(c, 'sluice_flash');
  if (v === undefined) return undefined;
  deleteCookie(c, 'sluice_flash', { path: '/' });
  try {
    return decodeURIComponent(v);
  } catch {
    return undefined;
  }
}
