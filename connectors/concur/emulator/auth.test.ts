import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/runtime/clock.js';
import { startConcurEmulator, type ConcurEmulator } from './index.js';
import { api, companyToken, passwordGrant, raw } from './test-client.js';

let emu: ConcurEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

describe('concur emulator: OAuth2', () => {
  it('issues a company token for the request token, with expires_in as a string and an absolute refresh_expires_in', async () => {
    emu = await startConcurEmulator({ clock: new ManualClock() });
    const res = await raw(emu.tokenUrl, { method: 'POST', form: passwordGrant(emu) });
    expect(res.status).toBe(200);
    expect(res.body.expires_in).toBe('3600');
    expect(res.body.token_type).toBe('Bearer');
    expect(res.body.geolocation).toBe(emu.baseUrl);
    expect(res.body.refresh_expires_in).toBe(Math.floor(emu.clock.now() / 1000) + 180 * 24 * 3600);
    expect(typeof res.body.id_token).toBe('string');
  });

  it('serves expires_in as a number and the geolocation as a token URL when asked', async () => {
    emu = await startConcurEmulator({
      expiresInAs: 'number',
      geolocationStyle: 'token-url',
      refreshExpiresInAs: 'absent',
    });
    const res = await raw(emu.tokenUrl, { method: 'POST', form: passwordGrant(emu) });
    expect(res.body.expires_in).toBe(3600);
    expect(res.body.geolocation).toBe(`${emu.baseUrl}/oauth2/v0/token`);
    expect(res.body).not.toHaveProperty('refresh_expires_in');
  });

  it('answers code 16 with the right geolocation when the grant reaches the wrong data center', async () => {
    emu = await startConcurEmulator({ companyRegion: 'eu' });
    const res = await raw(`${emu.regions.us}/oauth2/v0/token`, { method: 'POST', form: passwordGrant(emu) });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 16, error: 'invalid_request', geolocation: emu.regions.eu });
    const ok = await raw(`${emu.regions.eu}/oauth2/v0/token`, { method: 'POST', form: passwordGrant(emu) });
    expect(ok.status).toBe(200);
  });

  it('honours a token only in its own region', async () => {
    emu = await startConcurEmulator({ companyRegion: 'eu' });
    const tok = await raw(`${emu.regions.eu}/oauth2/v0/token`, { method: 'POST', form: passwordGrant(emu) });
    const token = tok.body.access_token as string;
    expect((await raw(`${emu.regions.eu}/list/v4/lists`, { token })).status).toBe(200);
    const foreign = await raw(`${emu.regions.us}/list/v4/lists`, { token });
    expect(foreign.status).toBe(401);
    expect(foreign.body.error.id).toBe('security.access.denied');
  });

  it('rotates refresh tokens and rejects the old one with code 108', async () => {
    emu = await startConcurEmulator();
    const first = await companyToken(emu);
    const c = emu.credentials;
    const refresh = (rt: string) =>
      raw(emu!.tokenUrl, {
        method: 'POST',
        form: { client_id: c.clientId, client_secret: c.clientSecret, grant_type: 'refresh_token', refresh_token: rt },
      });
    const second = await refresh(first.refresh);
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.refresh);
    const replay = await refresh(first.refresh);
    expect(replay.status).toBe(400);
    expect(replay.body).toMatchObject({ code: 108, error: 'invalid_grant' });
    expect((await refresh(second.body.refresh_token as string)).status).toBe(200);
  });

  it('rejects bad client credentials and request tokens with their documented codes', async () => {
    emu = await startConcurEmulator();
    const badSecret = await raw(emu.tokenUrl, { method: 'POST', form: passwordGrant(emu, { client_secret: 'nope' }) });
    expect(badSecret.status).toBe(401);
    expect(badSecret.body.code).toBe(64);
    const badToken = await raw(emu.tokenUrl, { method: 'POST', form: passwordGrant(emu, { password: 'nope' }) });
    expect(badToken.body).toMatchObject({ code: 5, error: 'invalid_grant' });
    const json = await raw(emu.tokenUrl, { method: 'POST', json: passwordGrant(emu) });
    expect(json.status).toBe(400);
  });

  it('expires access tokens after their lifetime and on demand, answering the configured status', async () => {
    emu = await startConcurEmulator({ expiredTokenStatus: 403 });
    const { access } = await companyToken(emu);
    expect((await api(emu, access, 'GET', '/api/v3.0/expense/reports?user=ALL')).status).toBe(200);
    emu.expireAllTokens();
    const expired = await api(emu, access, 'GET', '/api/v3.0/expense/reports?user=ALL');
    expect(expired.status).toBe(403);
    expect(expired.body.Error.Message).toMatch(/expired/);
    expect((await raw(`${emu.baseUrl}/api/v3.0/expense/reports`)).status).toBe(401);
  });

  it('lets access tokens lapse by their configured lifetime', async () => {
    emu = await startConcurEmulator({ accessTokenTtlSeconds: 50, clock: new ManualClock() });
    const { access } = await companyToken(emu);
    emu.clock.advance(49_999);
    expect((await api(emu, access, 'GET', '/list/v4/lists')).status).toBe(200);
    emu.clock.advance(1);
    expect((await api(emu, access, 'GET', '/list/v4/lists')).status).toBe(401);
  });
});
