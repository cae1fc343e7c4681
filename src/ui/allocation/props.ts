// What the allocation views receive from the shell: the open workbook and the view settings.
import type { WorkbookSession } from '../../state/session.svelte';
import type { AmountUnit, Lang, NumberLocale } from '../../domain/model';

export interface AllocationViewProps {
  session: WorkbookSession;
  lang: Lang;
  locale: NumberLocale;
  unit: AmountUnit;
  oninfo: (text: string) => void;
}
