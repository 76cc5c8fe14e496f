import { startDemoApp } from './test-app.ts'
import { TestBrowser } from '../accounts/web/test-client.ts'
const app = await startDemoApp()
const r = JSON.parse(await (await new TestBrowser(app.base).get('/public/performance/2017-18.json')).text())
for (const k of r.kpis.filter((k: any) => ['youth-custody', 'forced-marriage', 'honour-based-abuse', 'dip-positive-drug-tests', 'godoc-active-gang-members'].includes(k.id)))
  console.log(k.id, k.measureType, JSON.stringify([...k.lastYear.periods, k.lastYear.total, ...k.thisYear.periods, k.thisYear.total].map((f: any) => f.display)), k.commentaryWithheld)
console.log(r.kpis.filter((k: any) => k.commentaryWithheld).map((k: any) => k.id))
await app.stop()
