/** `projects`: SAP Business One projects (OPRJ); read and upsert, mirror deletes deactivate. */
import type { ResourceDefinition } from '../../../engine/connector/types.js';
import { lengthCheck } from './field-limits.js';
import { COMMON_READ_OPTIONS, objectSchema } from './options.js';
import { MASTER_DATA_CAPABILITIES } from './types.js';

const LIMITS = { Code: 20, Name: 100 };

export const projectsDefinition: ResourceDefinition = {
  description:
    'Projects (Projects, OPRJ). Source (optionally active ones only); target upsert, mirror deletes deactivate (Active tNO).',
  roles: ['source', 'lookup', 'target'],
  key: 'Code',
  optionsSchema: objectSchema('Options of the projects resource.', {
    ...COMMON_READ_OPTIONS,
    activeOnly: { description: 'Read only active projects.', type: 'boolean', default: false, examples: [true] },
  }),
  capabilities: MASTER_DATA_CAPABILITIES,
  check: lengthCheck(LIMITS),
};
