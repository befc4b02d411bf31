/** `sluice test [paths...]`: offline pipeline tests from `<name>.test.yaml` files. */
import { existsSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import type { Command } from 'commander';
import { formatDiagnostics } from '../config/diagnostics.js';
import { findTestFiles } from '../testing/find.js';
import { runTestFile } from '../testing/runner.js';
import { addGlobalOptions, write, type CliIo, type GlobalOptions } from './common.js';

export function testCommand(program: Command, io: CliIo): void {
  addGlobalOptions(
    program
      .command('test')
      .description(
        'run the offline tests (<name>.test.yaml beside each pipeline and function library); exit 1 on a failing case, 2 on an invalid file',
      )
      .argument('[paths...]', 'test files, pipeline or library files, or directories (default: pipelines/)'),
  ).action(async (paths: string[], opts: GlobalOptions) => {
    const files = findTestFiles(paths.length > 0 ? paths : [existsSync('pipelines') ? 'pipelines' : '.']);
    let failed = 0;
    let passed = 0;
    let invalid = 0;
    for (const f of files) {
      const { results, diagnostics } = await runTestFile(f, io.registry, opts.connections);
      if (diagnostics.some((d) => d.severity === 'error')) {
        // relative to the working directory, as `validate` prints them
        for (const d of diagnostics) if (isAbsolute(d.file)) d.file = relative(process.cwd(), d.file) || d.file;
        write(io.stderr, formatDiagnostics(diagnostics, 'text'));
        invalid++;
        continue;
      }
      for (const r of results) {
        const label = `${relative(process.cwd(), r.file)} › ${r.name}`;
        if (r.ok) {
          passed++;
          write(io.stdout, `ok    ${label}\n`);
        } else {
          failed++;
          write(io.stdout, `FAIL  ${label}\n${r.failures.map((l) => `    ${l}\n`).join('')}`);
        }
      }
    }
    write(
      io.stdout,
      `\n${passed} passed, ${failed} failed${invalid ? `, ${invalid} invalid file(s)` : ''} (${files.length} test file(s))\n`,
    );
    io.exitCode = invalid > 0 ? 2 : failed > 0 ? 1 : 0;
  });
}
