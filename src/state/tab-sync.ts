// Keeps tabs of this browser on the same workbook in step: after each commit a tab says which
// workbook, scenario and line chunks it wrote; the others read those back (see
// WorkbookSession.applyRemote). Storage is the truth: a message only says where to look.

import type { Id } from '../domain/model';

export interface TabMessage {
  /** The tab that wrote (a tab ignores its own messages). */
  from: string;
  workbookId: Id;
  scenarioId: Id;
  /** Chunks of that scenario's lines the commit wrote. */
  chunks: number[];
}

const CHANNEL = 'planbench-sync';

/** The channel between this browser's tabs; a no-op where BroadcastChannel is missing. */
export class TabSync {
  readonly tabId = crypto.randomUUID();
  private channel: BroadcastChannel | null = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CHANNEL);

  constructor(onMessage: (m: TabMessage) => void) {
    this.channel?.addEventListener('message', (e: MessageEvent<TabMessage>) => {
      if (e.data?.from !== this.tabId) onMessage(e.data);
    });
  }

  post(m: Omit<TabMessage, 'from'>): void {
    this.channel?.postMessage({ ...m, from: this.tabId });
  }

  close(): void {
    this.channel?.close();
    this.channel = null;
  }
}
