/**
 * The database schema as Kysely sees it: one interface per table. Each feature declares its tables in its
 * own file and they are joined here, so that repositories are typed end to end.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DatabaseSchema {}
