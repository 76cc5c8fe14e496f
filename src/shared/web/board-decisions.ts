/**
 * What a page of another feature shows of the board's decisions about one of its things (a year's sign-off and
 * publication, a quarter's sign-off, the strategy's, the budget's or Appendix A's approval). The board
 * (src/board/decision-links.ts) provides it; the feature takes it as an optional dependency, so that it never imports
 * the board, and shows it with the `boardDecisionsBlock` macro (src/web/views/macros/board-decisions.njk).
 */
export interface DecisionsOfAThing {
  /** "Decided by the SWP Board on 12 June 2018 (minute 7)", with the decision's page. */
  readonly decided: readonly { readonly kindText: string; readonly sentence: string; readonly href: string }[]
  /** The held board meetings' matching decisions not yet linked, offered to those who may edit the board. */
  readonly choices: readonly {
    readonly kind: string
    readonly subject: string
    readonly decisionId: number
    readonly label: string
  }[]
}

/**
 * The board's decisions about the thing named `subject` (`FY2017-18`, `FY2017-18-Q3`, a strategy's number), for
 * `user`, with links under the partnership's address `base`.
 */
export type BoardDecisions<User> = (user: User, subject: string, base: string) => Promise<DecisionsOfAThing>

/** A path and query as a page's own address writes it: `/p/wolves/funding?year=FY2017-18`. No host, no `..`. */
const LOCAL_PATH = /^\/[A-Za-z0-9/_-]{0,200}(?:\?[A-Za-z0-9=&_-]{0,100})?$/

/**
 * Where to go back to after linking a decision: `returnTo` when it is a page of this partnership (same origin, under
 * `base`, the partnership's address), else `fallback`. A form's hidden field can be changed by whoever posts it, so
 * it is never trusted to leave the partnership (an open redirect) or to name another partnership's page.
 *
 * @example returnPathWithin('/p/wolves/funding?year=FY2017-18', '/p/wolves', '/p/wolves/board/meetings') // kept
 * @example returnPathWithin('//evil.example/p/wolves', '/p/wolves', '/p/wolves/board/meetings') // the fallback
 */
export function returnPathWithin(returnTo: string, base: string, fallback: string): string {
  if (!LOCAL_PATH.test(returnTo) || returnTo.includes('//')) return fallback
  return returnTo.startsWith(`${base}/`) ? returnTo : fallback
}
