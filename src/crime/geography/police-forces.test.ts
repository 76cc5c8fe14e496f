import assert from 'node:assert/strict'
import fs from 'node:fs'
import { describe, it } from 'node:test'
import { POLICE_FORCES, policeForceById, policeForceByName } from './police-forces.ts'

/**
 * data.police.uk's `/api/forces` listing (https://data.police.uk/api/forces), identifier and name, as public code
 * that calls it has captured it (see the sources in police-forces.ts). British Transport Police is not in that
 * listing; its identifier (`btp`) and name are those of the archive files (`2016-11-btp-street.csv`, "Reported by"
 * and "Falls within" = "British Transport Police").
 */
const PUBLISHED_LISTING: readonly (readonly [string, string])[] = [
  ['avon-and-somerset', 'Avon and Somerset Constabulary'],
  ['bedfordshire', 'Bedfordshire Police'],
  ['cambridgeshire', 'Cambridgeshire Constabulary'],
  ['cheshire', 'Cheshire Constabulary'],
  ['city-of-london', 'City of London Police'],
  ['cleveland', 'Cleveland Police'],
  ['cumbria', 'Cumbria Constabulary'],
  ['derbyshire', 'Derbyshire Constabulary'],
  ['devon-and-cornwall', 'Devon & Cornwall Police'],
  ['dorset', 'Dorset Police'],
  ['durham', 'Durham Constabulary'],
  ['dyfed-powys', 'Dyfed-Powys Police'],
  ['essex', 'Essex Police'],
  ['gloucestershire', 'Gloucestershire Constabulary'],
  ['greater-manchester', 'Greater Manchester Police'],
  ['gwent', 'Gwent Police'],
  ['hampshire', 'Hampshire Constabulary'],
  ['hertfordshire', 'Hertfordshire Constabulary'],
  ['humberside', 'Humberside Police'],
  ['kent', 'Kent Police'],
  ['lancashire', 'Lancashire Constabulary'],
  ['leicestershire', 'Leicestershire Police'],
  ['lincolnshire', 'Lincolnshire Police'],
  ['merseyside', 'Merseyside Police'],
  ['metropolitan', 'Metropolitan Police Service'],
  ['norfolk', 'Norfolk Constabulary'],
  ['north-wales', 'North Wales Police'],
  ['north-yorkshire', 'North Yorkshire Police'],
  ['northamptonshire', 'Northamptonshire Police'],
  ['northumbria', 'Northumbria Police'],
  ['nottinghamshire', 'Nottinghamshire Police'],
  ['northern-ireland', 'Police Service of Northern Ireland'],
  ['south-wales', 'South Wales Police'],
  ['south-yorkshire', 'South Yorkshire Police'],
  ['staffordshire', 'Staffordshire Police'],
  ['suffolk', 'Suffolk Constabulary'],
  ['surrey', 'Surrey Police'],
  ['sussex', 'Sussex Police'],
  ['thames-valley', 'Thames Valley Police'],
  ['warwickshire', 'Warwickshire Police'],
  ['west-mercia', 'West Mercia Police'],
  ['west-midlands', 'West Midlands Police'],
  ['west-yorkshire', 'West Yorkshire Police'],
  ['wiltshire', 'Wiltshire Police'],
]

describe('the police forces of data.police.uk', () => {
  it('are the published listing, plus British Transport Police, with the same identifiers and names', () => {
    const ours = POLICE_FORCES.filter((f) => f.id !== 'btp').map((f) => [f.id, f.name] as const)
    const sort = (list: readonly (readonly [string, string])[]) => [...list].sort((a, b) => a[0].localeCompare(b[0]))
    assert.deepEqual(sort(ours), sort(PUBLISHED_LISTING))
    assert.equal(policeForceById('btp')?.name, 'British Transport Police')
  })

  it('have unique identifiers and names, even after "&" is read as "and"', () => {
    assert.equal(new Set(POLICE_FORCES.map((f) => f.id)).size, POLICE_FORCES.length)
    const names = POLICE_FORCES.map((f) => f.name.toLowerCase().replace(/&/g, 'and'))
    assert.equal(new Set(names).size, POLICE_FORCES.length)
  })

  it('know the "Falls within" value of each real file the project ships, and its file name', () => {
    const folder = new URL('../../../test/fixtures/police-uk/real/', import.meta.url)
    const files = fs.readdirSync(folder).filter((f) => f.endsWith('-street.csv'))
    assert.ok(files.length >= 3)
    for (const file of files) {
      const [, second] = fs.readFileSync(new URL(file, folder), 'utf8').split('\n')
      const fallsWithin = (second ?? '').split(',')[3] ?? ''
      const force = policeForceByName(fallsWithin)
      assert.ok(force, `${file}: "${fallsWithin}"`)
      assert.equal(`${file.slice(0, 8)}${force.id}-street.csv`, file)
    }
  })
})
