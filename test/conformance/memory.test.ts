import { ConnectorError } from '../../engine/errors.js';
import { memoryConnector, memoryStores, type MemoryConfig } from './memory-connector.js';
import { runConformanceSuite } from './suite.js';

runConformanceSuite<MemoryConfig>({
  name: 'memory (reference)',
  definition: memoryConnector,
  async setup() {
    const rows = new Map(['a', 'b', 'c', 'd', 'e'].map((id, i) => [id, { id, amount: i, day: `2024-01-0${i + 1}` }]));
    memoryStores.set('ref', { rows, faults: [] });
    return {
      config: { store: 'ref', token: 'good' },
      invalidConfigs: [{}, { store: '', token: 'x' }, { store: 'ref' }],
      source: {
        resource: 'rows',
        options: {},
        expectedKeys: ['a', 'b', 'c', 'd', 'e'],
        incremental: { cursorField: 'day', since: '2024-01-04', expectedKeys: ['d', 'e'] },
      },
      target: {
        resource: 'rows',
        options: {},
        newRecord: (i) => ({ id: `new-${i}`, amount: i }),
        changeRecord: (r) => ({ ...r, amount: Number(r.amount) + 100 }),
        rejectedRecord: () => ({ id: 'bad', amount: 'not a number' }),
      },
      teardown: async () => {
        memoryStores.delete('ref');
      },
    };
  },
  authFailure: async () => ({ config: { store: 'ref', token: 'bad' } }),
  async injectRetryableFailure() {
    memoryStores.get('ref')!.faults.push(new ConnectorError('MEMORY_BUSY', 'busy', { retryable: true }));
  },
  async injectFinalFailure() {
    memoryStores.get('ref')!.faults.push(new ConnectorError('MEMORY_GONE', 'gone'));
  },
});
