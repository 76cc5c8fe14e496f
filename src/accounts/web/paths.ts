import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The accounts pages' templates, named `accounts/…` (add this folder to the Nunjucks search path). */
export const accountViews = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'views')
