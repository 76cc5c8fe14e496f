import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { createUploadStore } from './upload-store.ts'

/** A file received on disk, as receiveMultipart leaves it (outside the uploads folder here). */
async function received(directory: string, name: string) {
  const filePath = path.join(directory, `received-${name}`)
  await writeFile(filePath, 'indicator_id,period,value\n')
  return { name, path: filePath }
}

/** The analyst (user 7) of partnership 1. */
const OWNER = { partnershipId: 1, userId: 7 }

describe('upload store: uploads are kept only while they are needed', () => {
  it('removes an applied upload’s files at once, keeping the record that says it was applied', async () => {
    const dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'saferhub-uploads-'))
    try {
      const store = createUploadStore(dataDirectory)
      const upload = await store.save(
        OWNER,
        [await received(dataDirectory, 'values.csv'), await received(dataDirectory, 'baselines.csv')],
        new Date(),
      )
      const folder = path.join(dataDirectory, 'uploads', upload.id)
      assert.deepEqual((await readdir(folder)).sort(), ['file-0', 'file-1', 'upload.json'])
      await store.markApplied(upload, { importId: 3, summaryText: '2 values added' })
      assert.deepEqual(await readdir(folder), ['upload.json'])
      assert.equal((await store.find(upload.id, OWNER))?.applied?.importId, 3)
    } finally {
      await rm(dataDirectory, { recursive: true, force: true })
    }
  })

  it('forgets and removes uploads older than 24 hours, and keeps younger ones', async () => {
    const dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'saferhub-uploads-'))
    try {
      let clock = new Date('2026-11-26T09:00:00Z')
      const store = createUploadStore(dataDirectory, () => clock)
      const old = await store.save(OWNER, [await received(dataDirectory, 'old.csv')], new Date('2026-11-25T08:59:00Z')) // 24 h 1 min before
      const young = await store.save(
        OWNER,
        [await received(dataDirectory, 'young.csv')],
        new Date('2026-11-25T09:01:00Z'),
      ) // 23 h 59 min before
      assert.equal(await store.find(old.id, OWNER), null, 'an expired upload cannot be previewed or confirmed')
      assert.equal((await store.find(young.id, OWNER))?.id, young.id)
      assert.equal(await store.prune(), 1)
      assert.deepEqual(await readdir(path.join(dataDirectory, 'uploads')), [young.id])
      clock = new Date('2026-11-26T09:02:00Z')
      assert.equal(await store.prune(), 1)
      assert.deepEqual(await readdir(path.join(dataDirectory, 'uploads')), [])
    } finally {
      await rm(dataDirectory, { recursive: true, force: true })
    }
  })

  it('prunes nothing, without failing, before the first upload', async () => {
    const dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'saferhub-uploads-'))
    try {
      assert.equal(await createUploadStore(dataDirectory).prune(), 0)
    } finally {
      await rm(dataDirectory, { recursive: true, force: true })
    }
  })
})

describe('upload store: an upload belongs to one person in one partnership', () => {
  it('is found only by its maker, and only in the partnership it was made in', async () => {
    const dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'saferhub-uploads-'))
    try {
      const store = createUploadStore(dataDirectory)
      const upload = await store.save(OWNER, [await received(dataDirectory, 'values.csv')], new Date())
      assert.equal((await store.find(upload.id, OWNER))?.id, upload.id)
      // The same person at another partnership's address (a data owner serving both, say): not there.
      assert.equal(await store.find(upload.id, { partnershipId: 2, userId: 7 }), null)
      // Someone else in the same partnership: not there either.
      assert.equal(await store.find(upload.id, { partnershipId: 1, userId: 8 }), null)
      const record = JSON.parse(await readFile(path.join(dataDirectory, 'uploads', upload.id, 'upload.json'), 'utf8'))
      assert.deepEqual([record.partnershipId, record.userId], [1, 7])
    } finally {
      await rm(dataDirectory, { recursive: true, force: true })
    }
  })

  it('treats an upload kept before uploads carried their partnership as nobody’s', async () => {
    const dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'saferhub-uploads-'))
    try {
      const store = createUploadStore(dataDirectory)
      const upload = await store.save(OWNER, [await received(dataDirectory, 'values.csv')], new Date())
      const file = path.join(dataDirectory, 'uploads', upload.id, 'upload.json')
      const { partnershipId: _dropped, ...older } = JSON.parse(await readFile(file, 'utf8'))
      await writeFile(file, JSON.stringify(older))
      assert.equal(await store.find(upload.id, OWNER), null)
    } finally {
      await rm(dataDirectory, { recursive: true, force: true })
    }
  })
})
