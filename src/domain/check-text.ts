// The sentence of a check entry (./checks) for a reader: its numbers formatted in the chosen unit
// and number format, its row, figure and base named in the reader's language (domain/messages).

import type { AmountUnit, Lang, NumberLocale } from './model';
import type { CheckEntry, CheckNumber } from './checks';
import { formatAmount, formatDate, formatPlain, formatRate } from './amount';
import { CHECK_WORDS, describeProblem } from './messages';

export interface CheckView {
  lang: Lang;
  unit: AmountUnit;
  locale: NumberLocale;
}

const say = (code: string, lang: Lang, params: Record<string, string> = {}): string => describeProblem({ code, params }, lang, CHECK_WORDS);

/** One number as the sentence writes it; a delta carries its sign. */
export function formatCheckNumber(n: CheckNumber, view: CheckView): string {
  const signed = n.key === 'delta' && n.value > 0 ? '+' : '';
  switch (n.as) {
    case 'amount':
      return `${signed}${formatAmount(n.value, view.unit, view.locale)} ${say(`check.unit.${view.unit}`, view.lang)}`;
    case 'rate':
      // A whole percentage as reports write it ("17 %"), any other with two decimals ("43,60 %").
      return formatRate(n.value, view.locale, Number.isInteger(n.value) ? 0 : 2);
    case 'points':
      return say('check.points', view.lang, { value: `${n.value > 0 ? '+' : ''}${formatPlain(n.value, view.locale, 2)}` });
    case 'count':
      return `${signed}${formatPlain(n.value, view.locale, 6, { group: true })}`;
  }
}

/** The entry as one sentence in the reader's language, unit and number format. */
export function describeCheck(e: CheckEntry, view: CheckView): string {
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(e.params)) params[k] = k === 'asOf' ? formatDate(v || null, view.locale) : v;
  for (const n of e.numbers) params[n.key] = formatCheckNumber(n, view);
  // Named things: a row, the row above (its params prefixed "prev"), a figure, a base.
  for (const [k, v] of Object.entries(e.params)) {
    if (!k.endsWith('Msg')) continue;
    const name = k.slice(0, -3);
    params[name] = say(v, view.lang, name === 'prevRow' ? unprefixed(e.params) : e.params);
  }
  params.year ??= String(e.year);
  return describeProblem({ code: e.message, params }, view.lang);
}

function unprefixed(params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) if (/^prev[A-Z]/.test(k)) out[k[4].toLowerCase() + k.slice(5)] = v;
  return out;
}
