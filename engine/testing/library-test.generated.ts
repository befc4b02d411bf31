/* Generated from schemas/library-test.schema.json by scripts/gen-types.mjs. Do not edit; run `npm run gen`. */

/**
 * The library under test, relative to this file. Default: the file with the same name, `.jsonata` in place of `.test.yaml`.
 */
export type LibraryFile = string;
export type LookupKey = string;
/**
 * The library function to call, without the `$`.
 */
export type FunctionName = string;
/**
 * The arguments of the call, in order.
 */
export type Arguments = unknown[];
/**
 * What the call returns, compared exactly (every field, no extra fields). `null` expects nothing (JSONata's undefined) or null.
 */
export type Result = unknown;
/**
 * A substring of the message the call fails with: the text of `$error(…)`, or JSONata's own message.
 */
export type ErrorMessage = string;

/**
 * Offline tests of a JSONata function library (`sluice test`), in `<library>.test.yaml` beside `<library>.jsonata`: each case calls one of the library's functions with arguments and lookup records and compares what it returns, or the message it fails with. Nothing is read from or written to a real system.
 */
export interface LibraryTestFile {
  library?: LibraryFile;
  lookups?: Lookups;
  /**
   * @minItems 1
   */
  cases: [LibraryTestCase, ...LibraryTestCase[]];
}
/**
 * The lookups the library reads, each with the key `$lookup(name, key)` matches: a field of the lookup records or a JSONata expression over one, as in a pipeline's `lookups`. Each case gives the records.
 */
export interface Lookups {
  [k: string]: Lookup;
}
export interface Lookup {
  key: LookupKey;
}
export interface LibraryTestCase {
  name: string;
  call: FunctionName;
  args?: Arguments;
  lookups?: LookupRecordsByLookupName;
  expect: ExpectedOutcome;
}
/**
 * Records of the lookups declared at the top of the file; a declared lookup a case leaves out is empty.
 */
export interface LookupRecordsByLookupName {
  [k: string]: {}[];
}
/**
 * Exactly one of `result` and `error`.
 */
export interface ExpectedOutcome {
  result?: Result;
  error?: ErrorMessage;
}
