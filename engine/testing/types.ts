/** Shapes of a `<name>.test.yaml` file (schemas/pipeline-test.schema.json), and of a case's outcome. */
import type { DataRecord } from '../connector/types.js';

export interface ExpectedOperation {
  op: 'create' | 'update' | 'delete' | 'locked' | 'correct';
  key: string;
  changes?: string[];
}

export interface ExpectedAttention {
  sourceKey: string;
  code?: string;
  message?: string;
}

export interface TestCase {
  name: string;
  source: DataRecord[];
  lookups?: Record<string, DataRecord[]>;
  target?: DataRecord[];
  expect?: {
    records?: DataRecord[];
    operations?: ExpectedOperation[];
    attention?: ExpectedAttention[];
  };
}

export interface TestFile {
  pipeline?: string;
  cases: TestCase[];
}

/** The outcome of one case of a pipeline or library test file. */
export interface CaseResult {
  file: string;
  name: string;
  ok: boolean;
  failures: string[];
}
