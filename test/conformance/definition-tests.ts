/** Conformance tests of the definition itself, the config schema and the fixture's coverage. */
import { expect } from 'vitest';
import type { ConnectorDefinition, Role } from '../../engine/connector/types.js';
import { compileSchema, conformanceAjv, definitionProblems } from './definition-checks.js';
import { asList, conformanceIt, type SuiteState } from './state.js';
import type { ConformanceFixture, SourceFixture } from './subject.js';

/** Source fixtures used for the lookup role: the explicit ones, else the source fixtures on lookup resources. */
export function lookupFixtures(def: ConnectorDefinition<never>, fx: ConformanceFixture<unknown>): SourceFixture[] {
  if (fx.lookup !== undefined) return asList(fx.lookup);
  return asList(fx.source).filter((s) => def.resources[s.resource]?.roles.includes('lookup'));
}

export function offersRole(def: ConnectorDefinition<never>, role: Role): boolean {
  return Object.values(def.resources).some((r) => r.roles.includes(role));
}

export function registerDefinitionTests<Config, F extends ConformanceFixture<Config>>(
  state: SuiteState<Config, F>,
): void {
  const def = state.subject.definition as ConnectorDefinition<never>;

  conformanceIt(
    state,
    'definition: name, schemas (Ajv 8 strict, x-secret), roles and capabilities are sane',
    async () => {
      expect(definitionProblems(def)).toEqual([]);
    },
  );

  conformanceIt(state, 'config schema accepts the fixture config and rejects every invalid config', async () => {
    const fx = state.fixture();
    const validate = compileSchema(conformanceAjv(), def.configSchema, 'configSchema', []);
    expect(validate, 'configSchema compiles').toBeDefined();
    expect(validate!(fx.config), JSON.stringify(validate!.errors)).toBe(true);
    expect(fx.invalidConfigs.length, 'fixture.invalidConfigs must not be empty').toBeGreaterThan(0);
    const unknownProperty = { ...(fx.config as object), conformanceUnknownProperty: 1 };
    for (const bad of [...fx.invalidConfigs, unknownProperty]) {
      expect(validate!(bad), `config must be rejected: ${JSON.stringify(bad)}`).toBe(false);
    }
  });

  conformanceIt(
    state,
    'fixture covers every role offered, and its options pass the resource options schemas',
    async () => {
      const fx = state.fixture();
      const ajv = conformanceAjv();
      const uses: { role: Role; resource: string; options: unknown }[] = [
        ...asList(fx.source).map((s) => ({ role: 'source' as const, resource: s.resource, options: s.options })),
        ...lookupFixtures(def, fx).map((s) => ({ role: 'lookup' as const, resource: s.resource, options: s.options })),
        ...asList(fx.target).map((t) => ({ role: 'target' as const, resource: t.resource, options: t.options })),
      ];
      for (const role of ['source', 'lookup', 'target'] as const) {
        if (offersRole(def, role))
          expect(
            uses.some((u) => u.role === role),
            `the definition offers role ${role}: the fixture must exercise it`,
          ).toBe(true);
      }
      for (const use of uses) {
        const resource = def.resources[use.resource];
        expect(resource, `resource "${use.resource}" exists`).toBeDefined();
        expect(resource!.roles, `resource "${use.resource}" offers role ${use.role}`).toContain(use.role);
        const validate = ajv.compile(resource!.optionsSchema);
        expect(
          validate(use.options),
          `${use.role} options for "${use.resource}": ${JSON.stringify(validate.errors)}`,
        ).toBe(true);
      }
      const incremental = Object.entries(def.resources).filter(([, r]) => r.capabilities.incremental === true);
      if (incremental.length > 0) {
        const covered = asList(fx.source).some(
          (s) => s.incremental !== undefined && def.resources[s.resource]?.capabilities.incremental === true,
        );
        expect(
          covered,
          `incremental resources (${incremental.map(([n]) => n).join(', ')}): a source fixture must carry \`incremental\``,
        ).toBe(true);
      }
    },
  );
}
