/** `projects`: SAP Business One projects (OPRJ); read and upsert, mirror deletes deactivate. */
import { where } from '../query.js';
import { openEntitySource, type EntitySourceSpec } from './entity-source.js';
import { masterDataCheck, openMasterDataTarget, type MasterDataSpec } from './master-data-target.js';
import { COMMON_READ_OPTIONS, objectSchema } from './options.js';
import { TARGET_BULK_SIZE, type SapB1Resource } from './types.js';

const SOURCE: EntitySourceSpec = {
  entitySet: 'Projects',
  key: 'Code',
  cursorFields: {},
  baseFilter: (o) => (o.activeOnly === true ? where.eq('Active', 'tYES') : undefined),
};

const TARGET: MasterDataSpec = {
  entitySet: 'Projects',
  key: 'Code',
  deactivate: { Active: 'tNO' },
  isActive: (e) => e.Active !== 'tNO',
  limits: { Code: 20, Name: 100 },
};

export const projects: SapB1Resource = {
  definition: {
    description:
      'Projects (Projects, OPRJ). Source (optionally active ones only); target upsert, mirror deletes deactivate (Active tNO).',
    roles: ['source', 'lookup', 'target'],
    key: 'Code',
    optionsSchema: objectSchema('Options of the projects resource.', {
      ...COMMON_READ_OPTIONS,
      activeOnly: { description: 'Read only active projects.', type: 'boolean', default: false, examples: [true] },
    }),
    capabilities: {
      bulkSize: TARGET_BULK_SIZE,
      modes: ['create', 'upsert', 'mirror'],
      deleteActions: ['deactivate'],
      list: true,
    },
    check: masterDataCheck(TARGET),
  },
  openSource: (ctx, options) => openEntitySource(ctx, SOURCE, options),
  openTarget: (ctx, options, binding) => openMasterDataTarget(ctx, TARGET, options, binding),
};
