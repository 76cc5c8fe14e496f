#!/usr/bin/env node
// The `saferhub` command: runs the TypeScript command line through tsx, so there is no build step.
import { register } from 'tsx/esm/api'
register()
await import('../src/main.ts')
