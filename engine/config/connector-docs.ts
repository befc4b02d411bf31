/**
 * docs/connectors.md, generated from the connector registry: every connection setting and resource
 * option comes from the connector's JSON Schema (written once, there), so the docs cannot drift.
 */
import type { Registry } from '../connector/registry.js';
import type { JsonSchema } from '../connector/types.js';

export const CONNECTOR_DOCS = 'docs/connectors.md';

function cell(s: unknown): string {
  return String(s ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');
}

function typeOf(s: JsonSchema): string {
  if (Array.isArray(s.enum)) return (s.enum as unknown[]).map((v) => JSON.stringify(v)).join(' | ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (Array.isArray(s.type)) return (s.type as string[]).join(' | ');
  if (typeof s.type === 'string') return s.type === 'array' && s.items ? `${typeOf(s.items as JsonSchema)}[]` : s.type;
  if (s.oneOf || s.anyOf) return 'one of several shapes';
  return 'any';
}

function table(schema: JsonSchema, prefix = ''): string[] {
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  const rows: string[] = [];
  for (const [name, p] of Object.entries(props)) {
    const flags = [
      required.has(name) ? 'Required' : '',
      p['x-secret'] === true ? 'Secret: use ${env:} or ${file:}' : '',
    ]
      .filter(Boolean)
      .join(', ');
    const def = p.default !== undefined ? `default ${JSON.stringify(p.default)}` : '';
    const text = String(p.description ?? p.title ?? '').replace(/\.\s*$/, '');
    rows.push(`| \`${prefix}${name}\` | ${cell(typeOf(p))} | ${cell([text, def, flags].filter(Boolean).join('. '))} |`);
    if (p.type === 'object' && p.properties) rows.push(...table(p, `${prefix}${name}.`));
  }
  return rows;
}

function section(schema: JsonSchema): string[] {
  const rows = table(schema);
  if (rows.length === 0) return ['No settings.', ''];
  return ['| Setting | Type | Description |', '|---|---|---|', ...rows, ''];
}

export function buildConnectorDocs(registry: Registry): string {
  const out: string[] = [
    '# Connectors',
    '',
    '<!-- Generated from the connector registry by `sluice schema` (npm run gen). Do not edit. -->',
    '',
    'Each connection in `connections.yaml` names its `connector` and carries the settings below.',
    'Each pipeline `source`, `lookups.<name>` and `target` names a `resource` and its `options`.',
    '',
  ];
  for (const name of registry.names()) {
    const def = registry.get(name)!;
    out.push(`## \`${name}\``, '', def.description, '', '### Connection settings', '', ...section(def.configSchema));
    for (const [rname, r] of Object.entries(def.resources).sort(([a], [b]) => a.localeCompare(b))) {
      const caps = r.capabilities;
      const facts = [
        `roles: ${r.roles.join(', ')}`,
        `key field: \`${r.key}\``,
        caps.bulkSize ? `bulk size ${caps.bulkSize}` : '',
        caps.modes ? `modes: ${caps.modes.join(', ')}` : '',
        caps.deleteActions?.length ? `mirror deletes: ${caps.deleteActions.join(', ')}` : '',
        caps.immutable ? 'posted records are locked (never updated)' : '',
        caps.incremental ? 'incremental reads' : '',
        caps.confirm ? 'confirms each record back to the source after apply' : '',
      ].filter(Boolean);
      out.push(
        `### Resource \`${rname}\``,
        '',
        r.description,
        '',
        `- ${facts.join('\n- ')}`,
        '',
        '#### Options',
        '',
        ...section(r.optionsSchema),
      );
    }
  }
  return out.join('\n');
}
