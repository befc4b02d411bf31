import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../engine/errors.js';
import { conformanceAjv } from '../../test/conformance/definition-checks.js';
import { fileConnector } from './index.js';
import { connectionBaseDir, resolveSpec } from './options.js';

describe('file options', () => {
  it('resolves paths against the connection baseDir, itself relative to the context baseDir', () => {
    const base = connectionBaseDir({ baseDir: 'data' }, '/srv/pipelines');
    expect(base).toBe('/srv/pipelines/data');
    expect(connectionBaseDir({}, '/srv/pipelines')).toBe('/srv/pipelines');
    expect(resolveSpec({ path: 'a/b.jsonl' }, base).path).toBe('/srv/pipelines/data/a/b.jsonl');
    expect(resolveSpec({ path: '/abs/x.csv' }, base).path).toBe('/abs/x.csv');
  });

  it('takes the format from the extension unless given, with defaults for CSV and encoding', () => {
    expect(resolveSpec({ path: 'x.NDJSON' }, '/').format).toBe('jsonl');
    expect(resolveSpec({ path: 'x.json' }, '/').format).toBe('json');
    expect(resolveSpec({ path: 'x.tsv' }, '/')).toMatchObject({
      format: 'csv',
      encoding: 'utf8',
      csv: { delimiter: '\t', header: true },
    });
    expect(resolveSpec({ path: 'x.dat', format: 'csv', csv: { delimiter: '|' } }, '/').csv.delimiter).toBe('|');
    expect(() => resolveSpec({ path: 'x.dat' }, '/')).toThrow(ConfigError);
    expect(() => resolveSpec({ path: 'x.csv', csv: { header: false } }, '/')).toThrow(/csv.columns/);
  });

  it('has an options schema that requires columns for headerless CSV and rejects unknown keys', () => {
    const validate = conformanceAjv().compile(fileConnector.resources.records!.optionsSchema);
    expect(validate({ path: 'a.csv', csv: { header: false, columns: ['id'] } })).toBe(true);
    expect(validate({ path: 'a.csv', csv: { header: false } })).toBe(false);
    expect(validate({ path: 'a.csv', csv: { delimiter: '"' } })).toBe(false);
    expect(validate({ path: 'a.csv', format: 'xml' })).toBe(false);
    expect(validate({ path: 'a.csv', unknown: 1 })).toBe(false);
    expect(validate({})).toBe(false);
  });
});
