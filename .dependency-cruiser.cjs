/**
 * Import rules, checked by `npm run check:imports` (part of `npm test`): no import cycles, type-only
 * imports included, and modules meet only through each other's index.ts (docs/modules.md).
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle: split out what both sides need, or turn one side into a hook or an event.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'modules-meet-through-index',
      severity: 'error',
      comment: "A module imports another module's index.ts only: that file is its public face.",
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/[^/]+/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'platform-imports-no-module',
      severity: 'error',
      comment: 'The platform is below every module; a module plugs in through src/modules.ts.',
      from: { path: '^src/platform/' },
      to: { path: '^src/modules/', pathNot: '\\.tables\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
