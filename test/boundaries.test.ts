import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { checkBoundaries } from '../scripts/check-boundaries.ts'

/** Writes a made-up source tree (file → text) under a new temporary folder; returns the folder. */
async function tree(files: Readonly<Record<string, string>>): Promise<string> {
  const base = await mkdtemp(path.join(os.tmpdir(), 'saferhub-boundaries-'))
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(base, file)), { recursive: true })
    await writeFile(path.join(base, file), text)
  }
  return base
}

describe('the boundary check (npm run lint)', () => {
  const folders: string[] = []
  let broken: readonly string[] = []
  let kept: readonly string[] = []

  before(async () => {
    // Each import below breaks one rule, and nothing else does.
    const brokenTree = await tree({
      // alpha and beta import each other through different files: no module cycle, but a folder cycle.
      'src/alpha/service.ts': "import { helper } from '../beta/helper.ts'\nexport const service = helper\n",
      'src/beta/helper.ts': 'export const helper = 1\n',
      'src/beta/uses-alpha.ts': "import { service } from '../alpha/service.ts'\nexport const usesAlpha = service\n",
      // Two modules of one folder importing each other, one of them for a type only.
      'src/delta/first.ts': "import type { Second } from './second.ts'\nexport type First = { second: Second }\n",
      'src/delta/second.ts': "import type { First } from './first.ts'\nexport type Second = { first?: First }\n",
      // The pure core reaching into a feature.
      'src/domain/impure.ts': "import { helper } from '../beta/helper.ts'\nexport const impure = helper\n",
      // A migration importing live feature code.
      'src/db/migrations/0001-first.ts': "import { helper } from '../../beta/helper.ts'\nexport const up = helper\n",
      // A feature importing the composition root.
      'src/gamma/command.ts': "import type { Services } from '../composition-root.ts'\nexport type Uses = Services\n",
      'src/composition-root.ts': 'export type Services = { readonly name: string }\n',
      // Another feature's route module.
      'src/epsilon/routes.ts': 'export const router = 1\n',
      'src/zeta/page.ts': "import { router } from '../epsilon/routes.ts'\nexport const page = router\n",
    })
    const keptTree = await tree({
      // What the rules allow: the schema joining a feature's tables, the feature using the database, shared helpers.
      'src/db/schema.ts':
        "import type { PerformanceTables } from '../performance/tables.ts'\nexport interface Schema extends PerformanceTables {}\n",
      'src/db/database.ts': "import type { Schema } from './schema.ts'\nexport type Database = { schema?: Schema }\n",
      'src/performance/tables.ts': 'export interface PerformanceTables { readonly values: { readonly id: number } }\n',
      'src/performance/repository.ts':
        "import type { Database } from '../db/database.ts'\nimport { safe } from '../shared/safe.ts'\nexport const open = (d: Database) => safe(d)\n",
      'src/shared/safe.ts': 'export const safe = <T>(value: T): T => value\n',
      'src/returns/service.ts': "import { open } from '../performance/repository.ts'\nexport const service = open\n",
      'src/composition-root.ts':
        "import { service } from './returns/service.ts'\nexport const services = { service }\n",
    })
    folders.push(brokenTree, keptTree)
    broken = (await checkBoundaries(brokenTree)).problems
    kept = (await checkBoundaries(keptTree)).problems
  })

  after(async () => {
    for (const folder of folders) await rm(folder, { recursive: true, force: true })
  })

  it('fails on a cycle between two top-level folders, naming the imports that make it', () => {
    const cycle = broken.find((p) => p.startsWith('no-folder-cycles: src/alpha, src/beta '))
    assert.ok(cycle, broken.join('\n'))
    assert.match(cycle, /src\/alpha\/service\.ts → src\/beta\/helper\.ts/)
    assert.match(cycle, /src\/beta\/uses-alpha\.ts → src\/alpha\/service\.ts/)
  })

  it('fails on a cycle between two modules, type-only imports included', () => {
    assert.ok(
      broken.some((p) => p.startsWith('no-circular: src/delta/')),
      broken.join('\n'),
    )
  })

  it('fails when the domain, a migration or a feature imports what it must not', () => {
    assert.ok(broken.includes('domain-is-pure: src/domain/impure.ts → src/beta/helper.ts'), broken.join('\n'))
    assert.ok(broken.includes('migrations-are-frozen: src/db/migrations/0001-first.ts → src/beta/helper.ts'))
    assert.ok(broken.includes('features-do-not-import-the-composition: src/gamma/command.ts → src/composition-root.ts'))
    assert.ok(broken.includes('routes-are-for-the-web-app: src/zeta/page.ts → src/epsilon/routes.ts'))
  })

  it('passes a tree that keeps the rules, the schema joining a feature’s tables included', () => {
    assert.deepEqual(kept, [])
  })
})
