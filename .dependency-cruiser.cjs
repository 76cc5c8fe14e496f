// The import rules that keep saferhub's feature folders apart (docs/architecture.md, "Boundaries").
// `npm run lint` checks them with scripts/check-boundaries.ts, which also refuses any cycle between the top-level
// folders of src/ (a rule dependency-cruiser cannot say: its own folder rules count every sub-folder as a folder).
// `npx depcruise src --config .dependency-cruiser.cjs` checks these rules alone.
// Tests are left out: a test may put together whatever it proves.

/**
 * The files that declare a feature's tables for Kysely (types only), joined in src/db/schema.ts: the one thing of a
 * feature that src/db/ may import. A new feature's tables file is added here and to src/db/schema.ts.
 */
const TABLE_FILES = [
  'src/accounts/accounts-schema.ts',
  'src/annual-report/annual-report-tables.ts',
  'src/accounts/two-step/two-step-tables.ts',
  'src/api/api-tables.ts',
  'src/audit/audit-tables.ts',
  'src/board/board-tables.ts',
  'src/board/meeting-tables.ts',
  'src/crime/crime-count-tables.ts',
  'src/crime/reference/tables.ts',
  'src/funding/appendix-a-tables.ts',
  'src/funding/funding-tables.ts',
  'src/funding/service-return-tables.ts',
  'src/partnerships/partnership-tables.ts',
  'src/plan/assessment-tables.ts',
  'src/performance/tables.ts',
  'src/plan/action-return-tables.ts',
  'src/plan/plan-tables.ts',
  'src/public/publication-tables.ts',
  'src/registers/engagement-tables.ts',
  'src/registers/prevent-tables.ts',
  'src/returns/tables.ts',
  'src/registers/tension-tables.ts',
  'src/retention/retention-tables.ts',
  'src/reviews/review-tables.ts',
]
const TABLES = TABLE_FILES.map((file) => `^${file.replace(/\./g, '\\.')}$`).join('|')

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No module imports itself through others (type-only imports count too).',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      comment: 'src/domain/ is the pure core: it imports nothing else of the program.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/domain/' },
    },
    {
      name: 'shared-imports-no-feature',
      comment: 'src/shared/ (and the command-line helpers in src/cli/) serve every feature, so they import none.',
      severity: 'error',
      from: { path: '^src/(?:shared|cli)/' },
      to: { path: '^src/', pathNot: '^src/(?:shared|cli|domain)/' },
    },
    {
      name: 'config-imports-no-feature',
      comment: 'src/config.ts is read by every feature, so it imports none.',
      severity: 'error',
      from: { path: '^src/config\\.ts$' },
      to: { path: '^src/', pathNot: '^src/(?:shared|domain)/' },
    },
    {
      name: 'migrations-are-frozen',
      comment:
        'A migration must do tomorrow what it did the day it shipped: it imports only kysely, the schema builder, ' +
        "the database's dialect helpers and copies frozen into src/db/migrations/, never live application code.",
      severity: 'error',
      from: { path: '^src/db/migrations/' },
      to: { path: '^src/', pathNot: '^src/db/(?:migrations/|schema-builder\\.ts$|database\\.ts$)' },
    },
    {
      name: 'db-imports-only-tables',
      comment: "src/db/ joins the features' table declarations (src/db/schema.ts) and imports nothing else of theirs.",
      severity: 'error',
      from: { path: '^src/db/[^/]+\\.ts$' },
      to: { path: '^src/', pathNot: `^src/(?:db|domain|shared)/|${TABLES}` },
    },
    {
      name: 'tables-are-declarations',
      comment:
        "A feature's table declarations import only other declarations, so src/db/ reaching them makes no cycle.",
      severity: 'error',
      from: { path: TABLES },
      to: { path: '^src/', pathNot: `${TABLES}|^src/domain/` },
    },
    {
      name: 'features-do-not-import-the-composition',
      comment:
        'src/composition-root.ts, src/main.ts and the web app (src/web/) put the features together: they import ' +
        'the features, never the reverse. A feature declares the services it needs (see src/cli/command.ts).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(?:web/|main\\.ts$|composition-root\\.ts$)' },
      to: { path: '^src/(?:web/|main\\.ts$|composition-root\\.ts$)' },
    },
    {
      name: 'routes-are-for-the-web-app',
      comment:
        "Another feature's route modules (routes.ts) are internals of its pages: only the web app mounts them; " +
        "what several features need from a page belongs in the owning feature's service or in src/shared/web/.",
      severity: 'error',
      from: { path: '^src/([^/]+)/', pathNot: '^src/web/' },
      to: { path: '^src/.+/routes\\.ts$', pathNot: '^src/$1/' },
    },
    {
      name: 'testing-helpers-are-for-tests',
      comment: 'Helpers under a testing/ folder (independent re-implementations, fixtures) are for tests only.',
      severity: 'error',
      from: { path: '^src/', pathNot: '/testing/' },
      to: { path: '/testing/' },
    },
  ],
  options: {
    // Type-only imports are dependencies too: a type cycle is still a cycle between two modules' meanings.
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$|/fixtures/|\\.crash-child\\.ts$' },
  },
}
