// Amounts inside allocation sentences (problems, the rules list): the figure in the user's unit
// followed by the unit's name, e.g. "2.398 triệu đồng", since a sentence has no column header.
import type { AmountUnit, Lang, NumberLocale } from '../../domain/model';
import { formatAmount } from '../../domain/amount';
import { unitWord } from '../i18n';

/** The amount in `unit`, exactly, with the unit named. */
export function formatMoneyText(dong: number, unit: AmountUnit, locale: NumberLocale, lang: Lang): string {
  return `${formatAmount(dong, unit, locale)} ${unitWord(lang, unit)}`;
}
