import { describe, expect, it } from 'vitest';
import { CONCUR_DEFINITIONS } from './definitions.js';
import { CONCUR_OPENERS } from './openers.js';

describe('resource definitions and openers', () => {
  it('name the same resources', () => {
    expect(Object.keys(CONCUR_OPENERS).sort()).toEqual(CONCUR_DEFINITIONS.map((d) => d.name).sort());
  });

  it.each(CONCUR_DEFINITIONS.map((d) => [d.name, d.definition] as const))(
    '%s opens for exactly the roles it defines',
    (name, def) => {
      const openers = CONCUR_OPENERS[name];
      expect(openers?.source !== undefined, 'source').toBe(
        def.roles.includes('source') || def.roles.includes('lookup'),
      );
      expect(openers?.target !== undefined, 'target').toBe(def.roles.includes('target'));
    },
  );
});
