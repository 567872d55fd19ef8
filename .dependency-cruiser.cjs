/**
 * The import rule of the project (dependency-cruiser; `npm run check:imports`, run by .ci/run).
 *
 * Imports point one way:
 *   protocols (cXML, OCI: parse and build, no database) and persistence (entities, migrations)
 *     never import the domain, adapters, http, web, cli or schemas;
 *   the domain imports no Fastify, no src/http, no src/adapters, no src/web, no schemas/api
 *     (it may define ports, e.g. StorefrontAdapter, that adapters implement);
 *   src/web (browser-facing HTML and answers shared by http and storefront adapters) imports
 *     no http, adapters, cli or schemas;
 *   adapters never import src/http (the composition root in src/http registers them);
 *   the console (src/console) imports no http, adapters or cli: it is registered like an adapter;
 *   schemas/api may import the domain (API shapes are built from domain models), never http;
 *   config and errors are leaves that anyone may import.
 * Plus: no circular dependencies within src/ and schemas/, and every import must resolve (so a
 * resolver that stops understanding `.ts` imports fails loudly instead of seeing no edges).
 */
const LAYERS_ABOVE_PROTOCOLS = '^(src/(domain|adapters|http|web|cli|console|persistence)/|src/server[.]ts$|schemas/)'
const LAYERS_ABOVE_PERSISTENCE = '^(src/(domain|adapters|http|web|cli|console)/|src/server[.]ts$|schemas/)'
const FASTIFY = '(^|/)node_modules/(fastify|@fastify/[^/]+|fastify-[^/]+)/'

module.exports = {
  forbidden: [
    {
      name: 'protocols-stay-low',
      comment: 'Protocols parse and build cXML/OCI without a database: they import no persistence, domain, adapters, http, web, cli or schemas.',
      severity: 'error',
      from: { path: '^src/protocols/' },
      to: { path: LAYERS_ABOVE_PROTOCOLS },
    },
    {
      name: 'persistence-stays-low',
      comment: 'Entities and migrations import no domain, adapters, http, web, cli or schemas.',
      severity: 'error',
      from: { path: '^src/persistence/' },
      to: { path: LAYERS_ABOVE_PERSISTENCE },
    },
    {
      name: 'domain-not-to-delivery',
      comment: 'The domain imports no src/http, src/adapters, src/web, src/cli or schemas/api: ports it needs are defined in the domain and implemented outside.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^(src/(http|adapters|web|cli|console)/|src/server[.]ts$|schemas/api/)' },
    },
    {
      name: 'domain-not-to-fastify',
      comment: 'The domain imports no Fastify (nor its plugins): HTTP stays in src/http and the adapters.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: FASTIFY },
    },
    {
      name: 'web-is-neutral',
      comment: 'src/web is shared by http and the storefront adapters: it imports neither of them, nor cli or schemas.',
      severity: 'error',
      from: { path: '^src/web/' },
      to: { path: '^(src/(http|adapters|cli|console)/|src/server[.]ts$|schemas/)' },
    },
    {
      name: 'adapters-not-to-http',
      comment: 'Adapters never import src/http (or cli): the composition root in src/http registers them with options types the adapters define.',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: '^(src/(http|cli)/|src/server[.]ts$)' },
    },
    {
      name: 'console-not-to-http',
      comment: 'The console never imports src/http, the adapters or cli: the composition root registers it with the options it defines.',
      severity: 'error',
      from: { path: '^src/console/' },
      to: { path: '^(src/(http|adapters|cli)/|src/server[.]ts$)' },
    },
    {
      name: 'adapters-not-to-console',
      comment: 'Storefront adapters and the console are siblings: neither imports the other.',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: '^src/console/' },
    },
    {
      name: 'schemas-not-to-delivery',
      comment: 'schemas/api may derive from the domain, never from http (nor adapters, web, cli).',
      severity: 'error',
      from: { path: '^schemas/' },
      to: { path: '^(src/(http|adapters|web|cli|console)/|src/server[.]ts$)' },
    },
    {
      name: 'config-and-errors-are-leaves',
      comment: 'config and errors may be imported by anyone, so they import nothing else of the project.',
      severity: 'error',
      from: { path: '^src/(config|errors)/' },
      to: { path: '^(src/|schemas/)', pathNot: '^src/(config|errors)/' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles within src/ and schemas/ (type-only imports included).',
      severity: 'error',
      from: { path: '^(src|schemas)/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves; if `.ts` imports stopped resolving, the rules above would see no edges.',
      severity: 'error',
      from: { path: '^(src|schemas)/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // `import type` counts: a type import is as much a dependency as a value import.
    tsPreCompilationDeps: true,
    // tsconfig has allowImportingTsExtensions: imports name their `.ts` files.
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.d.ts', '.js', '.cjs', '.mjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
}
