import { budgetSentence, type StreamYear, type YearBudget } from '../domain/budget.ts'

/**
 * One stream's budget for the year in the words budgetSentence uses for the year's: "The 2018/19 budget is £378,430:
 * income £339,995 + carry-forward £38,435." The sentence is the domain's (src/domain/budget.ts), given the stream's
 * own figures, so the page, the import's checks and Appendix A word it the same way.
 */
export function streamBudgetSentence(year: YearBudget, stream: Pick<StreamYear, 'income' | 'carryForwardIn'>): string {
  return budgetSentence({
    ...year,
    income: stream.income,
    carryForwardIn: stream.carryForwardIn,
    budget: stream.income + stream.carryForwardIn,
  })
}
