/**
 * The attribution the Open Government Licence v3.0 asks for, printed wherever the program shows or exports public
 * sector information (ONS lookups and tables, data.police.uk counts, the seed report's figures): page footers,
 * standalone reports, the XLSX and CSV downloads.
 */
export const OGL_ATTRIBUTION = 'Contains public sector information licensed under the Open Government Licence v3.0'

/** The licence itself, as the attribution links to it. */
export const OGL_URL = 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/'
