// The worker's entry: a worker thread starts without the TypeScript loader the server runs under (Node 20 does not
// carry `--import tsx` into it), so it registers tsx itself, as bin/saferhub.js does, then loads the worker.
import { register } from 'tsx/esm/api'

register()
await import('./import-worker.ts')
