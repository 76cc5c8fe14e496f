/**
 * The numbers from one to nineteen as words, for the two readers of numbers written out: the disclosure check of
 * commentary (src/domain/disclosure-control.ts: "two victims" is a small count as "2 victims" is) and the annual
 * report's number checker (src/annual-report/number-words.ts, which builds the larger ones from these and the tens).
 */
export const NUMBER_WORDS: Readonly<Record<string, number>> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
}
