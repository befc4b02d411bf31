/**
 * The layers and import cycles, checked by `npm run lint` (`depcruise`; the rules' test is
 * test/schema/dependency-rules.test.ts): engine/ never imports connectors/ or app/, connectors/ never
 * import app/ (app/ is the composition root), and no modules form a runtime import cycle. Type-only
 * imports count for the layers (a type is still a dependency) but not for cycles (they are erased
 * and cannot form one at run time).
 */
export default {
  forbidden: [
    {
      name: 'engine-not-to-connectors-or-app',
      comment:
        'engine/ never imports connectors/ or app/: connectors reach the engine through the registry that app/ builds (connectors/index.ts).',
      severity: 'error',
      from: { path: '^engine/' },
      to: { path: '^(connectors|app)/' },
    },
    {
      name: 'connectors-not-to-app',
      comment: 'connectors/ never import app/ (the composition root imports them, not the other way round).',
      severity: 'error',
      from: { path: '^connectors/' },
      to: { path: '^app/' },
    },
    {
      name: 'no-runtime-cycles',
      comment: 'No import cycles between modules; `import type` is erased by the compiler and cannot form one.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'node', 'default'] },
  },
};
