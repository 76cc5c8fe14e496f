import type { Services } from '../../src/composition-root.ts'

/**
 * The services of the instance's only partnership (the demo's, in most tests), as a single-partnership instance's
 * pages and commands see them.
 */
export async function onlyPartnership(services: Services) {
  return services.forPartnership(await services.partnerships.resolve(null))
}
