// How a submission's state and times read on screen, shared by the submit dialog, its header
// button and the province's board.

import type { Lang } from '../../domain/model';
import type { StringKey } from '../i18n';

/** The interface key that names a workbook's state towards the province (undefined: never sent). */
export function stateKey(state: 'draft' | 'submitted' | 'returned' | 'approved' | undefined): StringKey {
  return state === 'submitted' ? 'submitStateSubmitted' : state === 'returned' ? 'submitStateReturned' : state === 'approved' ? 'submitStateApproved' : 'submitStateDraft';
}

/** A server time (ISO) as a reader of this language writes it, to the minute; empty when absent. */
export function timeText(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' });
}
