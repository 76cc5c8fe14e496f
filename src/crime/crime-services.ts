import type { Config } from '../config.ts'
import type { CrimeRepository } from './crime-repository.ts'
import type { Geography } from './geography/geography.ts'
import type { HeadlinesService } from './headlines/headlines-service.ts'
import type { CrimeImportService } from './ingest/import-service.ts'
import type { PeerGroupService } from './peer-groups/peer-group-service.ts'
import type { PartnershipDirectory } from './reference/partnerships.ts'
import type { ReferenceRepository } from './reference/reference-repository.ts'
import type { CrimeReferenceService } from './reference/reference-service.ts'

/**
 * The crime feature's services as src/composition-root.ts builds them: what the crime pages and commands are given.
 * Declared here, by the feature, so that the feature depends on no composition; the composition root's graph is
 * checked against it where it hands the services over (src/main.ts, src/web/app.ts).
 */
export interface CrimeServices {
  readonly config: Pick<Config, 'dataDirectory' | 'partnershipName' | 'servedPartnerships'>
  readonly crime: {
    readonly repository: CrimeRepository
    /** LSOA → district → partnership → force (`reference/ons/`, or the instance's own updated copy). */
    readonly geography: { (): Geography; reload(): Geography }
    readonly imports: CrimeImportService
  }
  /** Police recorded crime compared across partnerships. */
  readonly crimeComparisons: {
    readonly directory: () => PartnershipDirectory
    readonly referenceRepository: ReferenceRepository
    readonly reference: CrimeReferenceService
    readonly peerGroups: PeerGroupService
    readonly headlines: HeadlinesService
  }
}
