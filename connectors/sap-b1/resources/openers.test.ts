import { describe, expect, it } from 'vitest';
import { SAP_B1_DEFINITIONS } from './definitions.js';
import { SAP_B1_OPENERS } from './openers.js';

describe('resource definitions and openers', () => {
  it('name the same resources', () => {
    expect(Object.keys(SAP_B1_OPENERS).sort()).toEqual(Object.keys(SAP_B1_DEFINITIONS).sort());
  });

  it.each(Object.entries(SAP_B1_DEFINITIONS))('%s opens for exactly the roles it defines', (name, def) => {
    const openers = SAP_B1_OPENERS[name];
    expect(openers?.openSource !== undefined, 'openSource').toBe(
      def.roles.includes('source') || def.roles.includes('lookup'),
    );
    expect(openers?.openTarget !== undefined, 'openTarget').toBe(def.roles.includes('target'));
  });
});
