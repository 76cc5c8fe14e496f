/** The mark on every demo figure the seed does not give (as the funding pages word it, src/funding/appendix-a.ts). */
export const ILLUSTRATIVE_LABEL = "Illustrative figure (not Wolverhampton's)"
