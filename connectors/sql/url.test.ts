import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../engine/errors.js';
import { parseSqlUrl } from './url.js';

function conn(url: string, extra = {}): Record<string, unknown> {
  return parseSqlUrl({ url, ...extra }, '/base').knexConfig.connection as Record<string, unknown>;
}

describe('sql URLs', () => {
  it('resolves sqlite paths against the base dir', () => {
    expect(parseSqlUrl({ url: 'sqlite:data/erp.db' }, '/srv/p')).toMatchObject({
      kind: 'sqlite',
      file: '/srv/p/data/erp.db',
      display: 'sqlite:/srv/p/data/erp.db',
    });
    expect(parseSqlUrl({ url: 'sqlite:///abs/x.db' }, '/srv').file).toBe('/abs/x.db');
    expect(parseSqlUrl({ url: 'sqlite::memory:' }, '/srv').file).toBe(':memory:');
    expect(() => parseSqlUrl({ url: 'sqlite:' }, '/srv')).toThrow(ConfigError);
  });

  it('parses mysql URLs, taking a raw password (from ${env:}) up to the last @', () => {
    expect(conn('mysql://sync:p@ss:w/rd%@db.internal:3307/erp')).toMatchObject({
      host: 'db.internal',
      port: 3307,
      user: 'sync',
      password: 'p@ss:w/rd%',
      database: 'erp',
    });
    expect(conn('mariadb://u%40x:p%20w@[::1]/d%2Fb?ssl=1')).toMatchObject({
      host: '::1',
      port: 3306,
      user: 'u@x',
      password: 'p w',
      database: 'd/b',
    });
    expect(conn('mysql://u@h/db').password).toBeUndefined();
    expect(conn('mysql://u:url-pw@h/db', { password: 'field-pw' }).password).toBe('field-pw');
  });

  it('never prints the password', () => {
    expect(parseSqlUrl({ url: 'mysql://u:secret@h:1/db' }, '/').display).toBe('mysql://u:***@h:1/db');
    expect(parseSqlUrl({ url: 'mysql://u@h/db', password: 'secret' }, '/').display).toBe('mysql://u:***@h:3306/db');
  });

  it('rejects URLs it cannot use', () => {
    expect(() => parseSqlUrl({ url: 'mysql://u:p@host-without-db' }, '/')).toThrow(
      /expected mysql:\/\/user:password@host:port\/database/,
    );
    expect(() => parseSqlUrl({ url: 'postgres://u@h/db' }, '/')).toThrow(ConfigError);
  });
});
