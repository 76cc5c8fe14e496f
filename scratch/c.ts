import { loadConfig } from '../src/config.ts'
import { createServices } from '../src/composition-root.ts'
const s = await createServices({ ...loadConfig({ SAFERHUB_DATA_DIR: '/tmp/sh1' }) })
const p = await s.partnerships.resolve('wolverhampton')
const sc = s.forPartnership(p)
const admin = await sc.accounts.repository.findUserByEmail('admin@example.org')
console.log(admin?.role, await sc.accounts.agencyCounts({ user: admin! }))
await s.close()
